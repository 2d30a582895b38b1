using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Training;

public sealed class GeneratorAverageTests
{
    static TrainOptions WithEma(string dir, long iterations, float decay = 0.9f) => TinyRun.Options(dir, iterations) with { Ema = decay };

    [Fact]
    public void Warm_up_decay_follows_tensorflow_until_the_set_decay()
    {
        Assert.Equal(0.1f, GeneratorAverage.DecayAt(0.999f, 0), 6);
        Assert.Equal(11f / 20f, GeneratorAverage.DecayAt(0.999f, 10), 6);
        Assert.Equal(0.999f, GeneratorAverage.DecayAt(0.999f, 100_000));
        Assert.Equal(0.5f, GeneratorAverage.DecayAt(0.5f, 100));
    }

    [Fact]
    public void Average_follows_the_formula_over_real_training_steps()
    {
        // Replays the average on the host from G's weights after each step and compares with the device's.
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, WithEma(TinyRun.TempDir(), 100, 0.95f), TinyRun.Data());
        var expected = t.G.Parameters.Select(p => p.Value.ToArray().Select(v => (double)v).ToArray()).ToArray();
        var initial = t.Ema!.Generator.Parameters.Select(p => p.Value.ToArray()).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(t.G.Parameters.ElementAt(i).Value.ToArray(), initial[i]); // starts as a copy
        for (int step = 0; step < 15; step++)
        {
            t.Step();
            double d = GeneratorAverage.DecayAt(0.95f, step);
            var live = t.G.Parameters.Select(p => p.Value.ToArray()).ToArray();
            for (int i = 0; i < live.Length; i++)
                for (int j = 0; j < live[i].Length; j++)
                    expected[i][j] = d * expected[i][j] + (1 - d) * live[i][j];
        }
        Assert.Equal(15, t.Ema.Updates);
        var averaged = t.Ema.Generator.Parameters.Select(p => p.Value.ToArray()).ToArray();
        double worst = 0;
        for (int i = 0; i < averaged.Length; i++)
            for (int j = 0; j < averaged[i].Length; j++)
                worst = Math.Max(worst, Math.Abs(averaged[i][j] - expected[i][j]));
        Assert.True(worst < 1e-6, $"average differs from the formula by {worst}");
        // and it is not simply G: after 15 steps the two differ
        Assert.False(averaged[0].AsSpan().SequenceEqual(t.G.Parameters.First().Value.ToArray()));
    }

    [Fact]
    public void BatchNorm_statistics_are_recomputed_for_the_averaged_weights()
    {
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, WithEma(TinyRun.TempDir(), 100), TinyRun.Data());
        for (int i = 0; i < 5; i++) t.Step();
        var g = t.Ema!.Ready();
        Assert.False(g.Training);
        var bn = Leaves(g).OfType<BatchNorm>().First();
        var mean = bn.RunningMean.ToArray();
        var variance = bn.RunningVar.ToArray();
        // The plain mean of the statistics of the 16 fixed-noise batches through the averaged weights: the first
        // BatchNorm's input is G.fc's output, so recompute it batch by batch with the layers before it.
        var fc = (Linear)Leaves(g).First();
        var noise = new Rng.NoiseGenerator(dev, 7, 3);
        using var z = dev.Allocate(8, TinyRun.Model.LatentSize);
        var sumMean = new double[bn.Channels];
        var sumVar = new double[bn.Channels];
        g.Training = true;
        for (int k = 0; k < GeneratorAverage.StatisticsBatches; k++)
        {
            noise.Normal(z);
            var h = fc.Forward(z).ToArray();
            for (int c = 0; c < bn.Channels; c++)
            {
                double m = 0, v = 0;
                for (int n = 0; n < 8; n++) m += h[n * bn.Channels + c];
                m /= 8;
                for (int n = 0; n < 8; n++) v += (h[n * bn.Channels + c] - m) * (h[n * bn.Channels + c] - m);
                sumMean[c] += m;
                sumVar[c] += v / 7;     // unbiased, as PyTorch's running_var
            }
        }
        for (int c = 0; c < bn.Channels; c++)
        {
            Assert.Equal(sumMean[c] / GeneratorAverage.StatisticsBatches, mean[c], 4);
            Assert.Equal(sumVar[c] / GeneratorAverage.StatisticsBatches, variance[c], 4);
        }
    }

    [Fact]
    public void Resume_with_ema_is_bit_identical_and_samples_use_the_average()
    {
        var data = TinyRun.Data();
        string full = TinyRun.TempDir(), half = TinyRun.TempDir();
        float[][] uninterrupted;
        float[] samples;
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, WithEma(full, 12), data))
        {
            t.Run(CancellationToken.None);
            uninterrupted = Snapshot(t);
            samples = t.SampleFixed();
        }
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, WithEma(half, 7), data))
            t.Run(CancellationToken.None);
        var ckpt = Checkpoint.Load(Checkpoint.Resolve(half));
        Assert.Equal(7, ckpt.State.EmaUpdates);
        Assert.True(CheckpointStore.HasAverage(ckpt));
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, WithEma(half, 12), data, ckpt))
        {
            t.Run(CancellationToken.None);
            var resumed = Snapshot(t);
            Assert.Equal(uninterrupted.Length, resumed.Length);
            for (int i = 0; i < resumed.Length; i++)
                Assert.True(uninterrupted[i].AsSpan().SequenceEqual(resumed[i]), $"tensor {i} differs after resume");
            Assert.True(samples.AsSpan().SequenceEqual(t.SampleFixed()));
        }

        // The saved average is what sample/eval load by default; --no-ema loads G.
        var final = Checkpoint.Load(Checkpoint.Resolve(full));
        using var dev3 = ComputeDevice.CreateCpu();
        using var avg = CheckpointStore.LoadGenerator(dev3, final, "final");
        using var live = CheckpointStore.LoadGenerator(dev3, final, "final", average: false);
        Assert.Equal(final.Tensors["ema.G.fc.weight"].Data, avg.Parameters.First().Value.ToArray());
        Assert.Equal(final.Tensors["G.fc.weight"].Data, live.Parameters.First().Value.ToArray());
        Assert.NotEqual(final.Tensors["G.fc.weight"].Data, final.Tensors["ema.G.fc.weight"].Data);
    }

    [Fact]
    public void Asking_for_the_average_of_a_run_without_one_is_an_error()
    {
        string dir = TinyRun.TempDir();
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(dir, 2), TinyRun.Data()))
            t.Run(CancellationToken.None);
        var c = Checkpoint.Load(Checkpoint.Resolve(dir));
        Assert.False(CheckpointStore.HasAverage(c));
        using var dev2 = ComputeDevice.CreateCpu();
        var e = Assert.Throws<CheckpointException>(() => CheckpointStore.LoadGenerator(dev2, c, "x", average: true));
        Assert.Contains("without --ema", e.Message);
        using var g = CheckpointStore.LoadGenerator(dev2, c, "x");     // default: G
        Assert.Equal(c.Tensors["G.fc.weight"].Data, g.Parameters.First().Value.ToArray());
    }

    static float[][] Snapshot(GanTrainer t) =>
        TrainerTests.Snapshot(t).Concat(t.Ema!.Tensors.Select(x => x.Value.ToArray())).ToArray();

    static IEnumerable<Layer> Leaves(Layer l) => l is Sequential s ? s.Layers.SelectMany(Leaves) : [l];
}
