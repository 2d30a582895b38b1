using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Training;

/// <summary>BatchNorm's num_batches_tracked: counted on the host like PyTorch's, saved in checkpoints, resumed exactly.</summary>
public sealed class BatchNormCounterTests
{
    [Fact]
    public void Counts_training_mode_forward_passes_only_and_resets_with_the_statistics()
    {
        using var dev = ComputeDevice.CreateCpu(threads: 1);
        using var bn = new BatchNorm(dev, "G.bn", 3);
        using var x = dev.Allocate(4, 3);
        x.CopyFrom(Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
        Assert.Equal("G.bn.num_batches_tracked", bn.NumBatchesTracked.Name);
        Assert.Same(bn.NumBatchesTracked, Assert.Single(bn.Counters));
        bn.Forward(x);
        bn.Forward(x);
        Assert.Equal(2, bn.NumBatchesTracked.Value);
        bn.Training = false;
        bn.Forward(x);
        Assert.Equal(2, bn.NumBatchesTracked.Value);
        bn.ResetRunningStatistics();
        Assert.Equal(0, bn.NumBatchesTracked.Value);
    }

    static Dictionary<string, long> Counters(string run) => Checkpoint.Load(Checkpoint.Resolve(run)).State.Counters!;

    [Fact]
    public void Training_counts_as_pytorchs_dcgan_loop_and_resume_is_exact()
    {
        var data = TinyRun.Data();
        string full = TinyRun.TempDir(), half = TinyRun.TempDir();
        var options = TinyRun.Options(full, 12) with { Ema = 0.9f };
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options, data)) t.Run(CancellationToken.None);
        var c = Counters(full);
        // Per iteration G runs once in training mode (the fake batch), D three times (real, fake, and fake again for G's step);
        // G_ema's statistics are the mean of its 16 standing-statistics batches.
        Assert.Equal(12, c["G.bn0.num_batches_tracked"]);
        Assert.Equal(12, c["G.bn1.num_batches_tracked"]);
        Assert.Equal(36, c["D.bn2.num_batches_tracked"]);
        Assert.Equal(GeneratorAverage.StatisticsBatches, c["ema.G.bn0.num_batches_tracked"]);
        Assert.Equal(5, c.Count);

        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options with { OutDir = half, Iterations = 7 }, data)) t.Run(CancellationToken.None);
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options with { OutDir = half }, data, Checkpoint.Load(Checkpoint.Resolve(half))))
        {
            Assert.Equal(3 * 7, ((BatchNorm)t.D.Layers.First(l => l is BatchNorm)).NumBatchesTracked.Value);   // restored
            t.Run(CancellationToken.None);
        }
        Assert.Equal(c, Counters(half));
    }

    [Fact]
    public void Checkpoints_from_before_the_counter_restore_it_as_0_and_other_models_are_refused()
    {
        string run = TinyRun.TempDir();
        using var dev = ComputeDevice.CreateCpu();
        using (var t = new GanTrainer(dev, TinyRun.Options(run, 2), TinyRun.Data())) t.Run(CancellationToken.None);
        string file = Checkpoint.Resolve(run);
        var c = Checkpoint.Load(file);
        Assert.Equal(2, c.State.Counters!["G.bn0.num_batches_tracked"]);

        string old = Path.Combine(TinyRun.TempDir(), "checkpoints", Checkpoint.FileName(2));
        new Checkpoint { State = c.State with { Counters = null }, Tensors = c.Tensors }.Save(old);
        using (var g = CheckpointStore.LoadGenerator(dev, Checkpoint.Load(old), old))
            Assert.All(g.Counters, n => Assert.Equal(0, n.Value));
        using (var t = new GanTrainer(dev, TinyRun.Options(Path.GetDirectoryName(Path.GetDirectoryName(old))!, 3), TinyRun.Data(), Checkpoint.Load(old)))
        {
            t.Run(CancellationToken.None);
            Assert.Equal(1, ((BatchNorm)t.G.Layers.First(l => l is BatchNorm)).NumBatchesTracked.Value);
        }

        var missing = new Dictionary<string, long>(c.State.Counters);
        missing.Remove("D.bn2.num_batches_tracked");
        string other = Path.Combine(TinyRun.TempDir(), "other.gpugan");
        new Checkpoint { State = c.State with { Counters = missing }, Tensors = c.Tensors }.Save(other);
        var e = Assert.Throws<CheckpointException>(() => CheckpointStore.LoadDiscriminator(dev, Checkpoint.Load(other), other));
        Assert.Equal($"{other}: has no counter 'D.bn2.num_batches_tracked': it was made for another model", e.Message);
        using (var g = CheckpointStore.LoadGenerator(dev, Checkpoint.Load(other), other))
            Assert.All(g.Counters, n => Assert.Equal(2, n.Value));
    }
}
