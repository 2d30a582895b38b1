using System.Globalization;
using GpuGan.Options;

namespace GpuGan.Bench;

/// <summary>Command line: <c>kernels|train [--threads N] [--iterations N] [--json FILE] ...</c>.</summary>
public sealed record BenchOptions
{
    public string Mode { get; init; } = "";
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int Iterations { get; init; } = 50;
    public int TrainWarmup { get; init; } = 5;
    public int Warmup { get; init; } = 3;
    public int MinReps { get; init; } = 20;
    public double MinSeconds { get; init; } = 1.0;
    public string? JsonPath { get; init; }
    /// <summary>GpuGan's accelerator: auto|cpu|cuda[:N]|opencl[:N] (DeviceSpec.Parse).</summary>
    public string Device { get; init; } = "auto";
    /// <summary>On the CPU accelerator: simd (host SIMD GEMM and unfold, the default) or ilgpu (ILGPU's CPU kernels only).</summary>
    public string CpuKernels { get; init; } = "simd";
    /// <summary>GpuGan side; null: 10 on the CPU accelerator, 50 elsewhere.</summary>
    public int? GpuGanIterations { get; init; }
    public int GpuGanTrainWarmup { get; init; } = 2;
    /// <summary>GpuGan kernels; null: 2 warm-up calls and >= 5 calls on the CPU accelerator, else --warmup / --min-reps.</summary>
    public int? GpuGanWarmup { get; init; }
    public int? GpuGanMinReps { get; init; }
    public double? GpuGanMinSeconds { get; init; }

    // The gpugan CLI's parser and --help (GpuGan.Options): one table is both the parsing and the usage text.
    static readonly OptionSpec[] Specs =
    [
        new("threads", "N", "processor count", "libtorch threads (torch.set_num_threads) and the worker threads of GpuGan's CPU accelerator"),
        new("cpu-kernels", "KIND", "simd", "GpuGan on the CPU accelerator: simd (host SIMD GEMM/unfold), ilgpu (ILGPU kernels only) or both (kernels)"),
        DeviceOptions.Device,
        new("iterations", "N", "50", "train, torch, and step: timed iterations"),
        new("train-warmup", "N", "5", "train, torch, and step: warm-up iterations first"),
        new("gpugan-iterations", "N", "10 on the CPU accelerator, else 50", "train, GpuGan: timed iterations"),
        new("gpugan-train-warmup", "N", "2", "train, GpuGan: warm-up iterations"),
        new("min-reps", "N", "20", "kernels: at least N timed calls per op"),
        new("min-time", "S", "1", "kernels: and at least S seconds per op"),
        new("warmup", "N", "3", "kernels: untimed calls per op first"),
        new("gpugan-min-reps", "N", ">= 5 calls on the CPU accelerator, else --min-reps", "kernels, GpuGan side: timed calls per op"),
        new("gpugan-min-time", "S", "--min-time", "kernels, GpuGan side: seconds per op"),
        new("gpugan-warmup", "N", "2 on the CPU accelerator, else --warmup", "kernels, GpuGan side: untimed calls per op"),
        new("json", "FILE", "", "also write all results as JSON"),
    ];

    public static string Usage => ParsedOptions.Help("GpuGan.Bench <command> [options]", """
        commands:
          kernels   time each op of the default DCGAN (batch 64): TorchSharp (libtorch CPU) vs GpuGan
          train     time the whole DCGAN training iteration (D step + G step)
          gemm      GFLOP/s of the CPU GEMMs (ILGPU kernel vs host SIMD) at the DCGAN's large GEMM shapes (no TorchSharp)
          step      median DCGAN training step (batch 64) with the ILGPU vs the host SIMD GEMM (no TorchSharp)
        """, Specs);

    /// <summary>Parses "&lt;mode&gt; [options]"; a bad or unknown option is a UsageException.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new ArgumentException("missing command");
        var o = ParsedOptions.Parse(args[0], Specs, args.Skip(1).ToList(), program: "GpuGan.Bench");
        var d = new BenchOptions();
        return new BenchOptions
        {
            Mode = args[0],
            Threads = o.Int("threads", 1) ?? d.Threads,
            Iterations = o.Int("iterations", 1) ?? d.Iterations,
            MinReps = o.Int("min-reps", 1) ?? d.MinReps,
            Warmup = o.Int("warmup", 1) ?? d.Warmup,
            TrainWarmup = o.Int("train-warmup", 1) ?? d.TrainWarmup,
            MinSeconds = o.Double("min-time", 0) ?? d.MinSeconds,
            JsonPath = o.String("json"),
            Device = o.String(DeviceOptions.Device.Name) ?? d.Device,
            CpuKernels = o.String("cpu-kernels") ?? d.CpuKernels,
            GpuGanIterations = o.Int("gpugan-iterations", 1),
            GpuGanTrainWarmup = o.Int("gpugan-train-warmup", 1) ?? d.GpuGanTrainWarmup,
            GpuGanWarmup = o.Int("gpugan-warmup", 1),
            GpuGanMinReps = o.Int("gpugan-min-reps", 1),
            GpuGanMinSeconds = o.Double("gpugan-min-time", 0),
        };
    }

    /// <summary>The arguments that make a torch worker measure the same thing.</summary>
    public string[] WorkerArgs() =>
    [
        TorchWorker.Command, Mode,
        "--threads", Threads.ToString(CultureInfo.InvariantCulture),
        "--iterations", Iterations.ToString(CultureInfo.InvariantCulture),
        "--train-warmup", TrainWarmup.ToString(CultureInfo.InvariantCulture),
        "--min-reps", MinReps.ToString(CultureInfo.InvariantCulture),
        "--warmup", Warmup.ToString(CultureInfo.InvariantCulture),
        "--min-time", MinSeconds.ToString(CultureInfo.InvariantCulture),
    ];
}
