using System.Globalization;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Losses;
using GpuGan.Models;
using GpuGan.Profiling;
using GpuGan.Training;

namespace GpuGan.Cli;

/// <summary>gpugan train: options (with their defaults, in TrainOptions) → trainer → progress lines → exit code.</summary>
public static class TrainCommand
{
    static readonly TrainOptions D = new();

    public static readonly OptionSpec[] Specs =
    [
        new("data", "PATH", "the embedded 9,000-digit MNIST subset", "IDX file, folder with train-images-idx3-ubyte[.gz], or image folder"),
        new("out", "DIR", D.OutDir, "run folder: samples/, checkpoints/, metrics.jsonl, loss.svg, config.json"),
        new("iterations", "N", $"{TrainOptions.DefaultIterations}; {TrainOptions.DefaultIlgpuCpuIterations} with --cpu-kernels ilgpu", "generator updates to run (ILGPU's scalar CPU kernels take seconds per iteration, hence their short default)"),
        new("epochs", "N", "", "passes over the data instead of --iterations"),
        new("seed", "N", D.Seed.ToString(CultureInfo.InvariantCulture), "seed of initialisation, noise and shuffling"),
        new("batch-size", "N", D.BatchSize.ToString(CultureInfo.InvariantCulture), "images per batch (the partial last batch of an epoch is dropped)"),
        new("lr", "X", "2e-4", "learning rate of both D and G"),
        new("lr-d", "X", "--lr", "learning rate of D"),
        new("lr-g", "X", "--lr", "learning rate of G"),
        new("beta1", "X", "0.5", "Adam beta1"),
        new("beta2", "X", "0.999", "Adam beta2"),
        new("loss", "KIND", "bce", "bce (non-saturating G), minimax, lsgan, hinge or wgan"),
        new("d-steps", "N", "1; 5 for wgan", "D updates per G update"),
        new("clip", "X", "0.01", "WGAN critic weight clipping bound"),
        new("noise", "KIND", "normal", "latent noise: normal or uniform (in [-1, 1])"),
        new("model", "NAME", "dcgan28", "dcgan28 (28x28, MNIST) or dcgan64 (pytorch/examples' 64x64 netG/netD)"),
        new("latent", "N", "100", "size of z"),
        new("image-size", "N", "28 (dcgan28), 64 (dcgan64)", "image side in pixels"),
        new("channels", "N", "1", "1 (grayscale) or 3 (RGB)"),
        new("g-width", "N", "64", "G's base width (ngf)"),
        new("d-width", "N", "64", "D's base width (ndf)"),
        new("device", "NAME", "auto", "auto, cpu, cuda[:N] or opencl[:N] (auto: CUDA, else an OpenCL GPU, else the CPU)"),
        new("threads", "N", "all cores", "worker threads of the CPU accelerator and its host kernels"),
        new("cpu-kernels", "KIND", "simd", "on the CPU accelerator: simd (host SIMD GEMM/unfold) or ilgpu (ILGPU's CPU kernels only)"),
        new("resume", "PATH", "", "continue from a checkpoint file or a run folder (its latest checkpoint)"),
        new("checkpoint-every", "N", D.CheckpointEvery.ToString(CultureInfo.InvariantCulture), "iterations between checkpoints (and one at the end)"),
        new("keep-checkpoints", "N", D.KeepCheckpoints.ToString(CultureInfo.InvariantCulture), "how many recent checkpoints to keep"),
        new("sample-every", "N", D.SampleEvery.ToString(CultureInfo.InvariantCulture), "iterations between fixed-noise sample grids (and one at the end)"),
        new("log-every", "N", D.LogEvery.ToString(CultureInfo.InvariantCulture), "iterations between progress lines and metrics.jsonl records"),
        new("profile", null, "", "profile iterations 3-22: per-kernel/per-layer table, OUT/profile.json and OUT/trace.json"),
        new("help", null, "", "show this help"),
    ];

    // Options a resumed run may change; every other one must match the checkpoint.
    static readonly HashSet<string> RunControl = ["iterations", "epochs", "out", "device", "threads", "resume", "checkpoint-every",
        "keep-checkpoints", "sample-every", "log-every", "data", "profile", "cpu-kernels"];

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
        if (o.String("resume") is { } resumePath)
        {
            string file = Checkpoint.Resolve(resumePath);
            resume = Checkpoint.Load(file);
            options = MergeResume(o, fromCli, resume.State.Options, file);
        }
        options.Validate();

        bool profile = o.Has("profile");
        using var device = CreateDevice(o, profile);
        var data = DatasetLoader.Load(options.DataPath, options.Model.Channels, options.Model.ImageSize);
        stdout.WriteLine($"device: {device}  data: {data}");
        if (device.FallbackReason != null) stdout.WriteLine($"device: --device auto chose the CPU ({device.FallbackReason})");
        using var trainer = new GanTrainer(device, options, data, resume);
        stdout.WriteLine($"model: {options.Model.Architecture}  G {Dcgan.CountParameters(trainer.G):N0} parameters, D {Dcgan.CountParameters(trainer.D):N0}  " +
            $"loss {options.Loss}  batch {options.BatchSize}  iterations {trainer.Iteration}/{trainer.TargetIterations}  out {options.OutDir}");
        if (profile) trainer.Profiler = new StepProfiler(device);
        // On a terminal, a status line rewritten every iteration between the logged lines.
        bool live = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var started = System.Diagnostics.Stopwatch.StartNew();
        long first = trainer.Iteration;
        if (live)
            trainer.OnIteration = (i, s) =>
            {
                double rate = (i - first) / Math.Max(started.Elapsed.TotalSeconds, 1e-9);
                var eta = rate > 0 ? TimeSpan.FromSeconds((trainer.TargetIterations - i) / rate) : TimeSpan.Zero;
                stdout.Write(string.Format(CultureInfo.InvariantCulture, "\r[{0}/{1}] Loss_D: {2:F4} Loss_G: {3:F4} D(x): {4:F4}  {5:F1} it/s  ETA {6:hh\\:mm\\:ss} ",
                    i, trainer.TargetIterations, s.D, s.G, s.DOfX, rate, eta));
            };
        var result = trainer.Run(stop, p => stdout.WriteLine((live ? "\r" : "") + FormatProgress(p)));
        if (trainer.Profiler is { StepMilliseconds.Count: > 0 } profiler)
            ProfileCommand.Report(profiler, device, options.OutDir, stdout);
        stdout.WriteLine($"{result.Message} in {result.Elapsed:hh\\:mm\\:ss} ({result.ImagesPerSecond:F1} images/s)");
        if (result.FinalGrid != null) stdout.WriteLine($"samples: {result.FinalGrid}");
        if (result.LastCheckpoint != null) stdout.WriteLine($"checkpoint: {result.LastCheckpoint}");
        return result.Outcome switch
        {
            TrainOutcome.Completed => 0,
            TrainOutcome.Interrupted => 130,
            _ => throw new TrainingDivergedException(result.Message),
        };
    }

    /// <summary>The device from --device, --threads and --cpu-kernels.</summary>
    internal static ComputeDevice CreateDevice(ParsedOptions o, bool profiling)
    {
        var variant = (o.String("cpu-kernels") ?? "simd").ToLowerInvariant() switch
        {
            "simd" => CpuKernelVariant.Simd,
            "ilgpu" => CpuKernelVariant.Ilgpu,
            var v => throw new UsageException($"--cpu-kernels '{v}': expected simd or ilgpu"),
        };
        return ComputeDevice.Create(DeviceSpec.Parse(o.String("device") ?? "auto"), profiling, o.Int("threads", 1, 1024) ?? 0, variant);
    }

    static string FormatProgress(TrainProgress p)
    {
        var m = p.Metrics;
        var inv = CultureInfo.InvariantCulture;
        return string.Format(inv, "[{0}/{1}] epoch {2} Loss_D: {3:F4} Loss_G: {4:F4} D(x): {5:F4} D(G(z)): {6:F4} / {7:F4}  {8:F1} img/s  ETA {9:hh\\:mm\\:ss}",
            m.Iteration, p.TargetIterations, m.Epoch, m.LossD, m.LossG, m.DOfX, m.DOfGzBeforeD, m.DOfGzAfterD, m.ImagesPerSecond, p.Eta);
    }

    internal static TrainOptions BuildOptions(ParsedOptions o)
    {
        var arch = ModelConfig.ParseArchitecture(o.String("model") ?? "dcgan28");
        var model = new ModelConfig(
            arch,
            o.Int("latent", 1, 100_000) ?? 100,
            o.Int("channels", 1, 3) ?? 1,
            o.Int("image-size", 1, 4096) ?? (arch == Architecture.Dcgan64 ? 64 : 28),
            o.Int("g-width", 1, 4096) ?? 64,
            o.Int("d-width", 1, 4096) ?? 64);
        float lr = o.Float("lr", 0, 10, exclusiveMin: true) ?? 2e-4f;
        return new TrainOptions
        {
            Model = model,
            DataPath = o.String("data"),
            OutDir = o.String("out") ?? D.OutDir,
            Iterations = o.Long("iterations", 1),
            Epochs = o.Int("epochs", 1),
            Seed = o.ULong("seed") ?? D.Seed,
            BatchSize = o.Int("batch-size", 2, 1 << 20) ?? D.BatchSize,
            LrD = o.Float("lr-d", 0, 10, exclusiveMin: true) ?? lr,
            LrG = o.Float("lr-g", 0, 10, exclusiveMin: true) ?? lr,
            Beta1 = o.Float("beta1", 0, 0.9999999f) ?? D.Beta1,
            Beta2 = o.Float("beta2", 0, 0.9999999f) ?? D.Beta2,
            Loss = o.String("loss") is { } l ? GanLoss.Parse(l) : D.Loss,
            DSteps = o.Int("d-steps", 1, 1000),
            Clip = o.Float("clip", 0, float.PositiveInfinity, exclusiveMin: true) ?? D.Clip,
            Noise = (o.String("noise") ?? "normal").ToLowerInvariant() switch
            {
                "normal" or "gaussian" => NoiseDistribution.Normal,
                "uniform" => NoiseDistribution.Uniform,
                var n => throw new UsageException($"train: --noise '{n}': expected normal or uniform"),
            },
            CheckpointEvery = o.Int("checkpoint-every", 1) ?? D.CheckpointEvery,
            KeepCheckpoints = o.Int("keep-checkpoints", 1) ?? D.KeepCheckpoints,
            SampleEvery = o.Int("sample-every", 1) ?? D.SampleEvery,
            LogEvery = o.Int("log-every", 1) ?? D.LogEvery,
        };
    }

    static TrainOptions MergeResume(ParsedOptions o, TrainOptions cli, TrainOptions stored, string file)
    {
        var mismatched = TrainCommand.Specs.Select(s => s.Name)
            .Where(n => o.Has(n) && !RunControl.Contains(n) && n != "help")
            .Where(n => !SameAsStored(n, cli, stored))
            .ToList();
        if (mismatched.Count > 0)
            throw new UsageException($"train: --{mismatched[0]} differs from the run in {file}; a resumed run keeps its training options (only {string.Join(", ", RunControl.Order().Select(r => "--" + r))} may change)");
        string runDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(file))!)!;
        return stored with
        {
            OutDir = o.Has("out") ? cli.OutDir : runDir,
            DataPath = o.Has("data") ? cli.DataPath : stored.DataPath,
            Iterations = o.Has("iterations") ? cli.Iterations : o.Has("epochs") ? null : stored.Iterations,
            Epochs = o.Has("epochs") ? cli.Epochs : o.Has("iterations") ? null : stored.Epochs,
            CheckpointEvery = o.Has("checkpoint-every") ? cli.CheckpointEvery : stored.CheckpointEvery,
            KeepCheckpoints = o.Has("keep-checkpoints") ? cli.KeepCheckpoints : stored.KeepCheckpoints,
            SampleEvery = o.Has("sample-every") ? cli.SampleEvery : stored.SampleEvery,
            LogEvery = o.Has("log-every") ? cli.LogEvery : stored.LogEvery,
        };
    }

    static bool SameAsStored(string name, TrainOptions cli, TrainOptions s) => name switch
    {
        "seed" => cli.Seed == s.Seed,
        "batch-size" => cli.BatchSize == s.BatchSize,
        "lr" => cli.LrD == s.LrD && cli.LrG == s.LrG,
        "lr-d" => cli.LrD == s.LrD,
        "lr-g" => cli.LrG == s.LrG,
        "beta1" => cli.Beta1 == s.Beta1,
        "beta2" => cli.Beta2 == s.Beta2,
        "loss" => cli.Loss == s.Loss,
        "d-steps" => cli.EffectiveDSteps == s.EffectiveDSteps,
        "clip" => cli.Clip == s.Clip,
        "noise" => cli.Noise == s.Noise,
        _ => cli.Model == s.Model,
    };
}

/// <summary>The run stopped because a loss became NaN/inf (exit code 3).</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
