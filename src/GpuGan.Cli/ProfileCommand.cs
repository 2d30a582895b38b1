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
        new("out", "DIR", "runs/profile", "folder for profile.json (the table) and trace.json (Chrome trace-event format: chrome://tracing, Perfetto)"),
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
