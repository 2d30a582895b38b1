using System.Diagnostics;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Losses;
using GpuGan.Rng;
using GpuGan.Training;

namespace GpuGan.Bench;

/// <summary>
/// GpuGan's side of the quality mode, in the parent process: <see cref="GanTrainer"/> with the default options
/// (dcgan28, batch 64, BCE, Adam 2e-4 (0.5, 0.999), DCGAN init) and the run's seed trains on the embedded MNIST
/// digits for --iterations, then G (and with --ema G_ema) makes --count samples in evaluation mode, copied to the
/// host so the parent scores them exactly as it scores the torch worker's.
/// </summary>
public static class GpuGanQuality
{
    /// <summary>The trainer's own evaluation noise stream (GanTrainer.EvalNoiseStream): the latent vectors its
    /// periodic evaluations would use, restarted for each generator.</summary>
    const uint SampleNoiseStream = 4;

    public sealed record Result(QualityTraining Training, float[] G, float[]? Ema);

    public static Result TrainAndSample(BenchOptions o, ComputeDevice dev, ulong seed)
    {
        string outDir = Path.Combine(Path.GetTempPath(), $"gpugan-bench-quality-{Environment.ProcessId}");
        try
        {
            // EvalEvery 0: no evaluation inside the run (the bench scores both sides afterwards, the same way).
            var options = new TrainOptions
            {
                Seed = seed, BatchSize = DcganShapes.Batch, Iterations = o.Iterations, Ema = o.Ema, EvalEvery = 0, OutDir = outDir,
            };
            using var trainer = new GanTrainer(dev, options, DatasetLoader.LoadEmbedded());
            Console.Error.WriteLine($"  GpuGan seed {seed}: {o.Iterations} iterations on {trainer.Data}{(o.Ema > 0 ? $", G_ema decay {o.Ema}" : "")}");

            double firstMs = 0;
            LossStats first = default, last = default;
            int every = Math.Max(1, o.Iterations / 10);
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < o.Iterations; i++)
            {
                trainer.Step();
                last = trainer.ReadLossStats(); // the device is synchronized
                if (i == 0) (firstMs, first) = (Stopwatch.GetElapsedTime(start).TotalMilliseconds, last);
                if ((i + 1) % every == 0 || i + 1 == o.Iterations)
                    Console.Error.WriteLine($"  GpuGan iteration {i + 1}/{o.Iterations}: {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s  loss D {last.D:F3}  loss G {last.G:F3}");
            }
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var training = new QualityTraining("GpuGan", seed, o.Iterations, seconds, firstMs, first.D, first.G, last.D, last.G, MachineInfo.PeakRssKiB());

            var noise = new NoiseGenerator(dev, seed, SampleNoiseStream);
            trainer.G.Training = false;
            var g = Sample(dev, trainer.G, noise, trainer.Options.Model.LatentSize, o.Count);
            var ema = trainer.Ema is { } average ? Sample(dev, average.Ready(), noise, trainer.Options.Model.LatentSize, o.Count) : null;
            return new Result(training, g, ema);
        }
        finally
        {
            try { if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary><paramref name="count"/> images of <paramref name="generator"/> (in evaluation mode already), (count, 1, 28, 28) in [-1, 1].</summary>
    static float[] Sample(ComputeDevice dev, Sequential generator, NoiseGenerator noise, int latentSize, int count)
    {
        noise.Counter = 0;
        var images = new float[count * SampleFile.ImageFloats];
        using var z = dev.Allocate(DcganShapes.Batch, latentSize);
        for (int done = 0; done < count; done += DcganShapes.Batch)
        {
            noise.Normal(z);
            float[] batch = generator.Forward(z).ToArray();
            int take = Math.Min(DcganShapes.Batch, count - done);
            batch.AsSpan(0, take * SampleFile.ImageFloats).CopyTo(images.AsSpan(done * SampleFile.ImageFloats));
        }
        return images;
    }
}
