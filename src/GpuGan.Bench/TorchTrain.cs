using System.Diagnostics;
using static TorchSharp.torch;
using static GpuGan.Bench.DcganShapes;

namespace GpuGan.Bench;

/// <summary>
/// Times the whole DCGAN training iteration in TorchSharp (<see cref="TorchDcgan.Step"/>) on random data:
/// batch 64, BCE-with-logits, Adam 2e-4 (0.5, 0.999).
/// </summary>
public static class TorchTrain
{
    public static TrainResult Measure(int threads, int warmup, int iterations)
    {
        manual_seed(1);
        var gan = new TorchDcgan();
        // A few random "real" batches in [-1, 1], made before timing (stands in for the data loader).
        var realBatches = Enumerable.Range(0, 8)
            .Select(_ => rand(Batch, ImageChannels, ImageSize, ImageSize) * 2 - 1).ToArray();

        double lossD = 0, lossG = 0;
        void Iteration(int i) => (lossD, lossG) = gan.Step(realBatches[i % realBatches.Length]);

        for (int i = 0; i < warmup; i++) Iteration(i);
        var samples = new List<double>(iterations);
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Iteration(i);
            samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if ((i + 1) % 10 == 0)
                Console.Error.WriteLine($"  iteration {i + 1}/{iterations}: {samples[^1]:F1} ms  loss D {lossD:F3}  loss G {lossG:F3}");
        }
        var s = Timing.Summarize(samples);
        return new TrainResult(threads, Batch, warmup, iterations, s.MedianMs, s.MeanMs, s.MinMs,
            Batch / (s.MedianMs / 1000.0), MachineInfo.PeakRssKiB(), lossD, lossG)
        { ParamsG = TorchModels.ParameterCount(gan.G), ParamsD = TorchModels.ParameterCount(gan.D) };
    }
}
