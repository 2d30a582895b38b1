using System.Diagnostics;
using GpuGan.Data;
using static TorchSharp.torch;
using static GpuGan.Bench.DcganShapes;

namespace GpuGan.Bench;

/// <summary>
/// The torch worker's side of the quality mode: trains <see cref="TorchDcgan"/> on the embedded MNIST training
/// digits for --iterations, then writes --count samples of its G (eval mode: BatchNorm's running statistics) to
/// --samples as a <see cref="SampleFile"/>. The batches come from GpuGan's own <see cref="BatchSampler"/> with the
/// run's seed, so both sides see the same digits in the same order, scaled to [-1, 1] the same way, reshuffled
/// every epoch, the partial last batch dropped.
/// </summary>
public static class TorchQuality
{
    public static QualityTraining TrainAndSample(BenchOptions o)
    {
        if (o.Seeds.Count != 1) throw new ArgumentException("torch-worker quality trains one seed (--seeds N)");
        ulong seed = o.Seeds[0];
        string samplesPath = o.SamplesPath ?? throw new ArgumentException("torch-worker quality needs --samples FILE");

        manual_seed(unchecked((long)seed));   // DCGAN init, training noise and sampling noise
        var gan = new TorchDcgan();
        var data = DatasetLoader.LoadEmbedded();
        var sampler = new BatchSampler(data, Batch, seed);
        var host = new float[sampler.BatchFloats];
        var labels = new int[Batch];
        long[] shape = [Batch, ImageChannels, ImageSize, ImageSize];
        Console.Error.WriteLine($"  TorchSharp seed {seed}: {o.Iterations} iterations on {data}");

        double firstMs = 0, firstD = 0, firstG = 0, lossD = 0, lossG = 0;
        int every = Math.Max(1, o.Iterations / 10);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < o.Iterations; i++)
        {
            sampler.NextBatch(host, labels);
            using (var real = tensor(host, shape))
                (lossD, lossG) = gan.Step(real);
            if (i == 0) (firstMs, firstD, firstG) = (Stopwatch.GetElapsedTime(start).TotalMilliseconds, lossD, lossG);
            if ((i + 1) % every == 0 || i + 1 == o.Iterations)
                Console.Error.WriteLine($"  TorchSharp iteration {i + 1}/{o.Iterations}: {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s  loss D {lossD:F3}  loss G {lossG:F3}");
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        SampleFile.Write(samplesPath, Sample(gan, o.Count));
        return new QualityTraining("TorchSharp", seed, o.Iterations, seconds, firstMs, firstD, firstG, lossD, lossG, MachineInfo.PeakRssKiB());
    }

    /// <summary><paramref name="count"/> images of G in eval mode from fresh normal noise, (count, 1, 28, 28) in [-1, 1].</summary>
    static float[] Sample(TorchDcgan gan, int count)
    {
        gan.G.eval();
        var images = new float[count * SampleFile.ImageFloats];
        using var _ = no_grad();
        for (int done = 0; done < count; done += Batch)
        {
            using var scope = NewDisposeScope();
            float[] batch = gan.G.forward(randn(Batch, Nz)).data<float>().ToArray();
            int take = Math.Min(Batch, count - done);
            batch.AsSpan(0, take * SampleFile.ImageFloats).CopyTo(images.AsSpan(done * SampleFile.ImageFloats));
        }
        return images;
    }
}
