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

    public const string Usage = """
        usage: GpuGan.Bench <command> [options]
          kernels   time each op of the default DCGAN (batch 64): TorchSharp (libtorch CPU) vs GpuGan
          train     time the whole DCGAN training iteration (D step + G step)
          gemm      GFLOP/s of the CPU GEMMs (ILGPU kernel vs host SIMD) at the DCGAN's large GEMM shapes (no TorchSharp)
          step      median DCGAN training step (batch 64) with the ILGPU vs the host SIMD GEMM (no TorchSharp)
        options:
          --threads N      libtorch threads (torch.set_num_threads); gemm/step: CPU worker threads; default: processor count
          --iterations N   train/step: timed iterations (default 50, after 5 warm-up iterations; --train-warmup N)
          --min-reps N     kernels: at least N timed calls per op (default 20)
          --min-time S     kernels: and at least S seconds per op (default 1)
          --warmup N       kernels: untimed calls per op first (default 3)
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
