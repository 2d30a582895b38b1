using System.Globalization;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Losses;
using GpuGan.Models;
using GpuGan.Options;
using GpuGan.Profiling;
using GpuGan.Training;

namespace GpuGan.Cli;

/// <summary>gpugan train: options (with their defaults, in TrainOptions) → trainer → progress lines → exit code.</summary>
public static class TrainCommand
{
    static readonly OptionSpec Resume = new("resume", "PATH", "", "continue from a checkpoint file or a run folder (its latest checkpoint); a checkpoint outside RUN/checkpoints/ needs --out");
    static readonly OptionSpec ResumePrevious = new("resume-previous", null, "", "with --resume RUN: when RUN's newest checkpoint is damaged or not finite, continue from the newest earlier one that loads and is finite");
    static readonly OptionSpec ForceNew = new("force-new", null, "", "start a new run in an --out folder that holds another run: deletes its checkpoints/, samples/, metrics.jsonl, loss.svg, config.json, profile.json and trace.json (nothing else)");
    static readonly OptionSpec Profile = new("profile", null, "", "profile iterations 3-22: per-kernel/per-layer table, OUT/profile.json and OUT/trace.json");
    internal static readonly OptionSpec HelpSpec = new("help", null, "", "show this help");

    // Every training option is a row of TrainOptionTable; the rest pick the device or what the command does.
    public static readonly OptionSpec[] Specs =
        [.. TrainOptionTable.Rows.Select(r => r.Spec), .. DeviceOptions.Specs, Resume, ResumePrevious, ForceNew, Profile, HelpSpec];

    // What a resumed run may change: run-control rows and the options that are no training option at all.
    static readonly string[] MayChangeOnResume =
        [.. TrainOptionTable.Rows.Where(r => r.Kind == TrainOptionKind.RunControl).Select(r => r.Flag), .. DeviceOptions.Specs.Select(s => s.Name), Resume.Name, ResumePrevious.Name, Profile.Name];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, CancellationToken stop)
    {
        var o = ParsedOptions.Parse("train", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan train [options]", "Trains a GAN (the DCGAN by default) with alternating D and G updates.", Specs));
            return 0;
        }
        var fromCli = BuildOptions(o);
        Checkpoint? resume = null;
        var options = fromCli;
        string? resumedFolder = null;
        if (o.String(Resume.Name) is { } resumePath)
        {
            if (o.Has(ForceNew.Name))
                throw new UsageException("train: --force-new starts a new run and cannot be combined with --resume");
            RefuseRunWithoutCheckpoint(resumePath);
            (resume, string file) = OpenForResume(resumePath, o.Has(ResumePrevious.Name), stdout);
            options = MergeResume(o, fromCli, resume.State.Options, file);
            resumedFolder = RunFolderOf(file);
        }
        options.Validate();
        // An --out that cannot be a folder (a file; under a file; not writable) is reported before any work.
        if (OutputPath.FolderProblem(options.OutDir) is { } problem)
            throw new UsageException($"train: {(o.Has("out") ? "--out " : "run folder ")}{o.String("out") ?? options.OutDir} {problem}");
        // A run folder belongs to one run: a new run (or a resumed one moved to another --out) refuses a folder that holds
        // another run, before a device is created or the data loaded.
        if (resumedFolder == null || !SamePath(resumedFolder, options.OutDir))
            ClaimRunFolder(o, options.OutDir);
        // A missing or damaged --init-g/--init-d file is reported before a device is created or the data loaded.
        if (resume == null)
            foreach (var init in new[] { options.InitG, options.InitD })
                if (init != null) SafeTensors.ReadHeader(init);

        bool profile = o.Has(Profile.Name);
        using var device = DeviceOptions.Create(o, profile);
        var data = DatasetLoader.Load(options.DataPath, options.Model.Channels, options.Model.ImageSize);
        stdout.WriteLine($"device: {device}  data: {data}");
        DeviceOptions.WriteFallback(device, stdout);
        using var trainer = new GanTrainer(device, options, data, resume);
        stdout.WriteLine($"model: {trainer.Model.Name}  G {ModelDefinition.CountParameters(trainer.G):N0} parameters, D {ModelDefinition.CountParameters(trainer.D):N0}  " +
            $"loss {options.Loss}  batch {options.BatchSize}  iterations {trainer.Iteration}/{trainer.TargetIterations}  out {options.OutDir}");
        if (profile) trainer.Profiler = new StepProfiler(device);
        // On a terminal, a status line between the logged lines, rewritten at most twice a second: reading the losses
        // waits for the device, which the trainer otherwise does only at logging steps.
        bool live = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var shown = System.Diagnostics.Stopwatch.StartNew();
        long first = trainer.Iteration;
        if (live)
            trainer.OnIteration = i =>
            {
                if (shown.ElapsedMilliseconds < 500) return;
                shown.Restart();
                var s = trainer.ReadLossStats();
                double rate = (i - first) / Math.Max(started.Elapsed.TotalSeconds, 1e-9);
                var eta = rate > 0 ? TimeSpan.FromSeconds((trainer.TargetIterations - i) / rate) : TimeSpan.Zero;
                stdout.Write(string.Format(CultureInfo.InvariantCulture, "\r[{0}/{1}] Loss_D: {2:F4} Loss_G: {3:F4} D(x): {4:F4}  {5:F1} it/s  ETA {6:hh\\:mm\\:ss} ",
                    i, trainer.TargetIterations, s.D, s.G, s.DOfX, rate, eta));
            };
        var result = trainer.Run(stop, p => stdout.WriteLine((live ? "\r" : "") + FormatProgress(p)));
        if (trainer.Profiler is { StepMilliseconds.Count: > 0 } profiler)
            ProfileCommand.Report(profiler, device, options.OutDir, stdout);
        // A diverged run's message is its one error line (exit code 3), not printed here as well.
        if (result.Outcome != TrainOutcome.Diverged)
            stdout.WriteLine($"{result.Message} in {result.Elapsed:hh\\:mm\\:ss} ({result.ImagesPerSecond:F1} images/s)");
        if (result.FinalGrid != null) stdout.WriteLine($"samples: {result.FinalGrid}");
        if (result.LastCheckpoint != null) stdout.WriteLine($"checkpoint: {result.LastCheckpoint}");
        if (trainer.Best is { } best)
        {
            // A run resumed from a checkpoint copied in from elsewhere carries the best FID of the run it came from,
            // whose best.gpugan stayed there: name the file only where it is.
            string bestFile = Path.Combine(options.OutDir, "checkpoints", CheckpointStore.BestFileName);
            string where = File.Exists(bestFile) ? bestFile : "(its best.gpugan is in the run the resumed checkpoint came from)";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best FID {best.Fid:F2} at iteration {best.Iteration}: {where}"));
        }
        return result.Outcome switch
        {
            TrainOutcome.Completed or TrainOutcome.TargetReached => 0,
            TrainOutcome.Interrupted => 130,
            _ => throw new TrainingDivergedException(result.Message),
        };
    }

    static string FormatProgress(TrainProgress p)
    {
        var m = p.Metrics;
        var inv = CultureInfo.InvariantCulture;
        return string.Format(inv, "[{0}/{1}] epoch {2} Loss_D: {3:F4} Loss_G: {4:F4} D(x): {5:F4} D(G(z)): {6:F4} / {7:F4}  {8:F1} img/s  ETA {9:hh\\:mm\\:ss}",
            m.Iteration, p.TargetIterations, m.Epoch, m.LossD, m.LossG, m.DOfX, m.DOfGzBeforeD, m.DOfGzAfterD, m.ImagesPerSecond, p.Eta)
            + (m.Quality is { } q ? string.Format(inv, "  FID {0:F2}", q.Fid) : "")
            + (m.QualityEma is { } e ? string.Format(inv, " (G_ema {0:F2})", e.Fid) : "")
            + (m.Sampling is { } s ? string.Format(inv, " P/R {0:F2}/{1:F2} n={2}", s.Precision, s.Recall, s.Samples) : "")
            + (m.Sampling?.ClassMatch is double match ? string.Format(inv, " class match {0:F1}%", 100 * match) : "");
    }

    /// <summary>The options of the command line; paths absolute (config.json and checkpoints then say where the run read and wrote).</summary>
    internal static TrainOptions BuildOptions(ParsedOptions o) => Absolute(TrainOptionTable.FromCommandLine(o, new TrainOptions()));

    static TrainOptions Absolute(TrainOptions t) => t with
    {
        DataPath = FullPath(t.DataPath),
        OutDir = FullPath(t.OutDir)!,
        InitG = FullPath(t.InitG),
        InitD = FullPath(t.InitD),
    };

    static string? FullPath(string? path) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path);

    static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>The run folder of a checkpoint in RUN/checkpoints/, else null.</summary>
    static string? RunFolderOf(string checkpointFile)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(checkpointFile))!;
        return Path.GetFileName(dir) == "checkpoints" ? Path.GetDirectoryName(dir) : null;
    }

    /// <summary>Refuses an --out folder holding another run (one line), or with --force-new clears GpuGan's outputs there.</summary>
    static void ClaimRunFolder(ParsedOptions o, string outDir)
    {
        if (RunFolder.DescribeRun(outDir) is not { } held) return;
        if (o.Has(ForceNew.Name))
        {
            RunFolder.Clear(outDir);
            return;
        }
        string shown = o.String("out") ?? outDir;
        if (RunFolder.DescribeRunWithoutCheckpoint(outDir) is { } files)
            throw new UsageException($"train: {shown} holds a run that stopped before its first checkpoint ({files}, no checkpoint), so there is nothing to resume; " +
                "start over with --force-new (deletes its metrics, samples and config), or pick another --out");
        string resume = RunFolder.HasCheckpoint(outDir) ? $"continue it with --resume {shown}, " : "";
        throw new UsageException($"train: {shown} already holds a run ({held}); {resume}start over with --force-new (deletes its checkpoints, samples and metrics), or pick another --out");
    }

    /// <summary>
    /// --resume of a run folder that a run killed before its first checkpoint left (metrics and config, no checkpoint):
    /// refused in one line that says what works instead, rather than "no checkpoint_*.gpugan in ...".
    /// </summary>
    static void RefuseRunWithoutCheckpoint(string path)
    {
        if (RunFolder.DescribeRunWithoutCheckpoint(path) is not { } files) return;
        throw new UsageException($"train: --resume {path}: the run there stopped before its first checkpoint ({files}, no checkpoint), so there is nothing to resume; " +
            $"start it over with --out {path} --force-new");
    }

    /// <summary>
    /// The checkpoint to resume from; it must load and hold only finite values (a checkpoint is good only if its contents
    /// are). A run folder whose newest checkpoint is not good is refused, naming the newest earlier one that is;
    /// --resume-previous takes it. A checkpoint file given by name that is not finite is refused in one line.
    /// </summary>
    static (Checkpoint Checkpoint, string File) OpenForResume(string path, bool previous, TextWriter stdout)
    {
        string file = Checkpoint.Resolve(path);
        string problem;
        try
        {
            var newest = Checkpoint.Load(file);
            if (NonFiniteTensor(newest) is not { } bad) return (newest, file);
            problem = $"{file} holds non-finite values (NaN or infinity, first in {bad})";
            if (!Directory.Exists(path)) throw new CheckpointException($"{problem}; resume from an earlier checkpoint of its run");
        }
        catch (CheckpointException e) when (Directory.Exists(path)) { problem = e.Message; }
        string dir = Path.GetDirectoryName(file)!;
        foreach (var earlier in Directory.GetFiles(dir, "checkpoint_*.gpugan").Where(f => f != file).OrderByDescending(f => f, StringComparer.Ordinal))
        {
            Checkpoint c;
            try { c = Checkpoint.Load(earlier); }
            catch (CheckpointException) { continue; }
            if (NonFiniteTensor(c) != null) continue;
            if (!previous)
                throw new CheckpointException($"{problem}; the newest earlier checkpoint that loads and is finite is {earlier} (iteration {c.State.Iteration}): add --resume-previous to continue from it");
            stdout.WriteLine($"{problem}; continuing from {earlier} (iteration {c.State.Iteration}) as --resume-previous asks");
            return (c, earlier);
        }
        throw new CheckpointException($"{problem}; no earlier checkpoint in {dir} loads and is finite");
    }

    static string? NonFiniteTensor(Checkpoint c) => c.Tensors.FirstOrDefault(kv => !kv.Value.Data.All(float.IsFinite)).Key;

    static TrainOptions MergeResume(ParsedOptions o, TrainOptions cli, TrainOptions stored, string file)
    {
        if (TrainOptionTable.ChangedOnResume(o, cli, stored) is { } changed)
            throw new UsageException($"train: --{changed.Flag} differs from the run in {file}; a resumed run keeps its training options (only {string.Join(", ", MayChangeOnResume.Order().Select(r => "--" + r))} may change)");
        // Without --out a resumed run writes where its checkpoint lives (RUN/checkpoints/), wherever that folder moved;
        // a checkpoint outside a run folder needs --out.
        string? runDir = RunFolderOf(file);
        if (runDir == null && !o.Has("out"))
            throw new UsageException($"train: {file} is not in a run folder's checkpoints/; give --out DIR for the resumed run's folder");
        return Absolute(TrainOptionTable.TakeRunControl(o, cli, stored) with { OutDir = o.Has("out") ? cli.OutDir : runDir! });
    }
}

/// <summary>The run stopped because a loss became NaN/inf (exit code 3).</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
