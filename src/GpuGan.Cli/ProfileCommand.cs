using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Options;
using GpuGan.Profiling;
using GpuGan.Training;
using GpuGan.Text;

namespace GpuGan.Cli;

/// <summary>gpugan profile: N training steps after a warm-up, timed per kernel, per layer and per host span.</summary>
public static class ProfileCommand
{
    public static readonly OptionSpec[] Specs =
    [
        new("iterations", "N", "5 on the CPU accelerator, 20 on a GPU", "profiled training steps"),
        new("warmup", "N", "2", "steps run first and not profiled (kernel compilation, first allocations)"),
        new("out", "DIR", "runs/profile", "folder for profile.json (the table) and trace.json (Chrome trace-event format: chrome://tracing, Perfetto); emptied of an earlier profile's files first; a folder holding anything else is refused"),
        .. TrainOptionTable.Rows.Where(r => r.ForProfile).Select(r => r.Spec),
        .. DeviceOptions.Specs,
        TrainCommand.HelpSpec,
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, CancellationToken stop)
    {
        var o = ParsedOptions.Parse("profile", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan profile [options]", "Profiles training steps of the chosen model: where every millisecond goes.", Specs));
            return 0;
        }
        var options = TrainCommand.BuildOptions(o);
        string outDir = o.String("out") ?? "runs/profile";
        CheckFolder(outDir);
        int warmup = o.Int("warmup", 0, 1000) ?? 2;
        using var device = DeviceOptions.Create(o, profiling: true);
        int steps = o.Int("iterations", 1, 100_000) ?? (device.Kind == DeviceKind.Cpu ? 5 : 20);
        options = options with
        {
            OutDir = outDir, Iterations = warmup + steps, Epochs = null,
            CheckpointEvery = int.MaxValue, SampleEvery = int.MaxValue, LogEvery = int.MaxValue, EvalEvery = 0, TargetFid = null,
        };
        options.Validate();
        var data = DatasetLoader.Load(options.DataPath, options.Model.Channels, options.Model.ImageSize);
        DeviceOptions.WriteFallback(device, stdout);
        ClearFolder(outDir);
        stdout.WriteLine($"profiling {Count.Of(steps, "step")} after {Count.Of(warmup, "warm-up step")} on {device}: {options.Model.Name}, batch {options.BatchSize}");
        using var trainer = new GanTrainer(device, options, data)
        {
            Profiler = new StepProfiler(device), ProfileWarmup = warmup, ProfileSteps = steps,
        };
        var result = trainer.Run(stop);
        if (result.Outcome == TrainOutcome.Interrupted) return 130;
        Report(trainer.Profiler!, device, outDir, stdout);
        return 0;
    }

    /// <summary>Marks a folder as profile's own: a later profile into it may empty it.</summary>
    public const string MarkerFile = ".gpugan-profile";

    /// <summary>What a profile writes into its folder (the training run's files, then the profile's), and so what a later one clears.</summary>
    static readonly string[] Written = ["config.json", "metrics.jsonl", "loss.svg", "samples", "checkpoints", "profile.json", "trace.json", MarkerFile];

    /// <summary>
    /// A profile writes into a fresh folder: one that does not exist, is empty, or an earlier profile wrote (its marker).
    /// Anything else, a training run above all, is refused before any work, so no run gets profile steps appended.
    /// </summary>
    static void CheckFolder(string dir)
    {
        if (OutputPath.FolderProblem(dir) is { } problem) throw new UsageException($"profile: --out {dir} {problem}");
        if (!Directory.Exists(dir) || !Directory.EnumerateFileSystemEntries(dir).Any() || File.Exists(Path.Combine(dir, MarkerFile))) return;
        bool run = Directory.Exists(Path.Combine(dir, "checkpoints")) || File.Exists(Path.Combine(dir, "metrics.jsonl"));
        throw new UsageException($"profile: --out {dir} {(run ? "holds a training run" : "is not empty")} and no earlier profile; " +
            "profile writes into a fresh folder (or one it wrote before, which it empties): give another --out");
    }

    /// <summary>Deletes an earlier profile's files (only those) and marks the folder as this profile's.</summary>
    static void ClearFolder(string dir)
    {
        CheckFolder(dir);
        foreach (var name in Directory.Exists(dir) ? Written : [])
        {
            string path = Path.Combine(dir, name);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, MarkerFile), "written by gpugan profile; the next profile into this folder empties it\n");
    }

    public static void Report(StepProfiler profiler, ComputeDevice device, string outDir, TextWriter stdout)
    {
        Directory.CreateDirectory(outDir);
        var report = ProfileReport.Build(profiler, device.ToString());
        stdout.WriteLine();
        stdout.Write(report.ToText());
        string json = Path.Combine(outDir, "profile.json"), trace = Path.Combine(outDir, "trace.json");
        report.SaveJson(json);
        ChromeTrace.Save(trace, profiler.Events, device.ToString());
        stdout.WriteLine($"wrote {json} and {trace} (open the trace in chrome://tracing or https://ui.perfetto.dev)");
    }
}
