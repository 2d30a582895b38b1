using System.Globalization;

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

    public const string Usage = """
        usage: GpuGan.Bench <command> [options]
          kernels   time each op of the default DCGAN (batch 64): TorchSharp (libtorch CPU) vs GpuGan
          train     time the whole DCGAN training iteration (D step + G step)
          gemm      GFLOP/s of the CPU GEMMs (ILGPU kernel vs host SIMD) at the DCGAN's large GEMM shapes (no TorchSharp)
          step      median DCGAN training step (batch 64) with the ILGPU vs the host SIMD GEMM (no TorchSharp)
        options:
          --threads N      libtorch threads (torch.set_num_threads) and the worker threads of GpuGan's
                           CPU accelerator, default: processor count
          --cpu-kernels K  GpuGan on the CPU accelerator: simd (host SIMD GEMM/unfold, default) or ilgpu (ILGPU kernels only)
          --device D       GpuGan's accelerator: auto|cpu|cuda[:N]|opencl[:N] (default auto: CUDA, else an
                           OpenCL GPU, else ILGPU's CPU accelerator)
          --iterations N   train, torch, and step: timed iterations (default 50, after 5 warm-up iterations; step: --train-warmup N)
          --gpugan-iterations N    train, GpuGan: timed iterations (default 10 on the CPU accelerator, else 50)
          --gpugan-train-warmup N  train, GpuGan: warm-up iterations (default 2)
          --min-reps N     kernels: at least N timed calls per op (default 20)
          --min-time S     kernels: and at least S seconds per op (default 1)
          --warmup N       kernels: untimed calls per op first (default 3)
          --gpugan-min-reps N / --gpugan-min-time S / --gpugan-warmup N
                           kernels, GpuGan side (default on the CPU accelerator: >= 5 calls, --min-time,
                           2 warm-up calls; elsewhere the torch values)
          --json FILE      also write all results as JSON
        """;

    /// <summary>Parses "<mode> [options]"; throws ArgumentException on anything unknown.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new ArgumentException("missing command");
        var o = new BenchOptions { Mode = args[0] };
        for (int i = 1; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() { var v = Next(); return int.TryParse(v, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"bad number '{v}'"); }
            o = args[i] switch
            {
                "--threads" => o with { Threads = Int() },
                "--iterations" => o with { Iterations = Int() },
                "--min-reps" => o with { MinReps = Int() },
                "--warmup" => o with { Warmup = Int() },
                "--train-warmup" => o with { TrainWarmup = Int() },
                "--min-time" => o with { MinSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--json" => o with { JsonPath = Next() },
                "--device" => o with { Device = Next() },
                "--cpu-kernels" => o with { CpuKernels = Next() },
                "--gpugan-iterations" => o with { GpuGanIterations = Int() },
                "--gpugan-train-warmup" => o with { GpuGanTrainWarmup = Int() },
                "--gpugan-warmup" => o with { GpuGanWarmup = Int() },
                "--gpugan-min-reps" => o with { GpuGanMinReps = Int() },
                "--gpugan-min-time" => o with { GpuGanMinSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                var a => throw new ArgumentException($"unknown option '{a}'"),
            };
        }
        return o;
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
