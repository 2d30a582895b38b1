using System.Text.Json;
using TorchSharp;

namespace GpuGan.Bench;

/// <summary>
/// The hidden <c>torch-worker</c> sub-command: runs the TorchSharp measurements in this (child) process and
/// writes one JSON <see cref="WorkerReport"/> to stdout; progress goes to stderr. libtorch's thread pool keeps
/// spinning after calls, so it gets a process of its own and never shares one with the GpuGan side.
/// </summary>
public static class TorchWorker
{
    public const string Command = "torch-worker";

    public static int Run(BenchOptions o)
    {
        torch.set_num_threads(o.Threads);
        string version = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";
        Console.Error.WriteLine($"torch worker ({o.Mode}): TorchSharp {version}, {torch.get_num_threads()} threads");
        WorkerReport report = o.Mode switch
        {
            "kernels" => new("kernels", o.Threads, version,
                TorchKernels.Measure(DcganShapes.Ops, o.Warmup, o.MinReps, o.MinSeconds), null),
            "train" => new("train", o.Threads, version, null,
                TorchTrain.Measure(o.Threads, o.TrainWarmup, o.Iterations)),
            "quality" => new("quality", o.Threads, version, null, null) { Quality = TorchQuality.TrainAndSample(o) },
            _ => throw new ArgumentException($"unknown torch-worker mode '{o.Mode}'"),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(report, BenchJson.Options));
        Console.Out.Flush();
        return 0;
    }
}
