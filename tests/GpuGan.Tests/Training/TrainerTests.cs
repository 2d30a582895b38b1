using GpuGan.Device;
using GpuGan.Kernels;
using GpuGan.Layers;
using GpuGan.Losses;
using GpuGan.Models;
using GpuGan.Optim;
using GpuGan.Rng;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Training;

public sealed class TrainerTests
{
    [Fact]
    public void Tiny_run_writes_samples_checkpoint_metrics_plot_and_config()
    {
        string dir = TinyRun.TempDir();
        using var dev = ComputeDevice.CreateCpu();
        using var trainer = new GanTrainer(dev, TinyRun.Options(dir, 4), TinyRun.Data());
        var result = trainer.Run(CancellationToken.None);

        Assert.Equal(TrainOutcome.Completed, result.Outcome);
        Assert.Equal(4, result.Iteration);
        Assert.True(File.Exists(Path.Combine(dir, "samples", "final.png")));
        Assert.True(File.Exists(Path.Combine(dir, "checkpoints", Checkpoint.FileName(4))));
        Assert.True(File.Exists(Path.Combine(dir, "config.json")));
        Assert.Contains("<polyline", File.ReadAllText(Path.Combine(dir, "loss.svg")));
        var lines = File.ReadAllLines(Path.Combine(dir, "metrics.jsonl"));
        Assert.Equal(4, lines.Length);
        Assert.Contains("\"loss_d\":", lines[0]);
        foreach (var r in trainer.History)
        {
            Assert.True(float.IsFinite(r.LossD) && r.LossD > 0, $"Loss_D {r.LossD}");
            Assert.InRange(r.DOfX, 0f, 1f);
        }
        // The grid holds min(64, batch) = 8 images of 8x8 with 2-pixel gaps: 8 columns, 1 row.
        using var png = SixLabors.ImageSharp.Image.Load(Path.Combine(dir, "samples", "final.png"));
        Assert.Equal(8 * (8 + 2) + 2, png.Width);
        Assert.Equal(8 + 4, png.Height);
    }

    [Fact]
    public void Discriminator_loss_decreases_on_a_fixed_batch()
    {
        using var dev = ComputeDevice.CreateCpu();
        var m = TinyRun.Model;
        using var d = m.Definition.Discriminator(dev, m);
        var rng = new NoiseGenerator(dev, 3);
        m.Definition.Initialize(d, rng);
        using var loss = new GanLoss(dev, GanLossKind.Bce);
        using var opt = new Adam(dev, d.Parameters, new AdamOptions(Lr: 2e-3f));
        var data = TinyRun.Data(8);
        var host = new float[8 * 64];
        for (int i = 0; i < 8; i++) data.CopyImage(i, host.AsSpan(i * 64, 64));
        using var real = dev.Allocate(8, 1, 8, 8);
        using var fake = dev.Allocate(8, 1, 8, 8);
        real.CopyFrom(host);
        rng.Uniform(fake, -1f, 1f);
        var losses = new List<float>();
        for (int step = 0; step < 30; step++)
        {
            opt.ZeroGrad();
            d.Backward(loss.DiscriminatorReal(d.Forward(real)), inputGradient: false);
            d.Backward(loss.DiscriminatorFake(d.Forward(fake)), inputGradient: false);
            opt.Step();
            losses.Add(loss.ReadStats().D);
        }
        Assert.True(losses[^1] < 0.5f * losses[0], $"Loss_D went from {losses[0]} to {losses[^1]}");
        Assert.True(losses.Take(5).Average() > losses.Skip(25).Average());
    }

    [Fact]
    public void Resume_from_a_checkpoint_gives_bit_identical_weights()
    {
        var data = TinyRun.Data();
        string full = TinyRun.TempDir(), half = TinyRun.TempDir();
        float[][] uninterrupted;
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(full, 12), data))
        {
            t.Run(CancellationToken.None);
            uninterrupted = Snapshot(t);
        }
        // 40 images / batch 8 = 5 batches per epoch: 12 iterations cross two epoch boundaries and the
        // resume point (7) sits mid-epoch.
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(half, 7), data))
            t.Run(CancellationToken.None);
        string ckpt = Checkpoint.Resolve(half);
        Assert.EndsWith(Checkpoint.FileName(7), ckpt);
        float[][] resumed;
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(half, 12), data, Checkpoint.Load(ckpt)))
        {
            Assert.Equal(7, t.Iteration);
            t.Run(CancellationToken.None);
            resumed = Snapshot(t);
        }
        Assert.Equal(uninterrupted.Length, resumed.Length);
        for (int i = 0; i < resumed.Length; i++)
            Assert.True(uninterrupted[i].AsSpan().SequenceEqual(resumed[i]), $"tensor {i} differs after resume");
        // Sanity: training moved the weights, so the comparison is not between two initial states.
        using var dev2 = ComputeDevice.CreateCpu();
        using var fresh = new GanTrainer(dev2, TinyRun.Options(TinyRun.TempDir(), 12), data);
        Assert.False(Snapshot(fresh)[0].AsSpan().SequenceEqual(resumed[0]));
    }

    internal static float[][] Snapshot(GanTrainer t) =>
        t.G.Parameters.Select(p => p.Value).Concat(t.G.Buffers.Select(b => b.Value))
            .Concat(t.D.Parameters.Select(p => p.Value)).Concat(t.D.Buffers.Select(b => b.Value))
            .Select(x => x.ToArray()).ToArray();

    [Fact]
    public void Stop_request_finishes_the_iteration_and_writes_a_checkpoint()
    {
        string dir = TinyRun.TempDir();
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, TinyRun.Options(dir, 50), TinyRun.Data());
        using var stop = new CancellationTokenSource();
        var result = t.Run(stop.Token, p => { if (p.Metrics.Iteration == 3) stop.Cancel(); });
        Assert.Equal(TrainOutcome.Interrupted, result.Outcome);
        Assert.Equal(3, result.Iteration);
        var c = Checkpoint.Load(Checkpoint.Resolve(dir));
        Assert.Equal(3, c.State.Iteration);
    }

    [Fact]
    public void NaN_loss_stops_the_run_and_keeps_the_last_good_checkpoint()
    {
        string dir = TinyRun.TempDir();
        using var dev = ComputeDevice.CreateCpu();
        var o = TinyRun.Options(dir, 2) with { CheckpointEvery = 2 };
        using (var t = new GanTrainer(dev, o, TinyRun.Data())) t.Run(CancellationToken.None);
        string good = Checkpoint.Resolve(dir);
        byte[] before = File.ReadAllBytes(good);

        using var t2 = new GanTrainer(dev, o with { Iterations = 10 }, TinyRun.Data(), Checkpoint.Load(good));
        var w = t2.D.Parameters.First();
        var poisoned = w.Value.ToArray();
        poisoned[0] = float.NaN;
        w.Value.CopyFrom(poisoned);
        var result = t2.Run(CancellationToken.None);

        Assert.Equal(TrainOutcome.Diverged, result.Outcome);
        Assert.Contains("NaN", result.Message);
        Assert.Equal(3, result.Iteration);
        Assert.Equal(good, Checkpoint.Resolve(dir));
        Assert.Equal(before, File.ReadAllBytes(good));
    }

    [Fact]
    public void Wgan_clips_every_critic_weight()
    {
        using var dev = ComputeDevice.CreateCpu();
        var o = TinyRun.Options(TinyRun.TempDir(), 2) with { Loss = GanLossKind.Wgan, Clip = 0.005f };
        using var t = new GanTrainer(dev, o, TinyRun.Data());
        Assert.Equal(5, o.EffectiveDSteps);
        t.Step();
        foreach (var p in t.D.Parameters)
            Assert.All(p.Value.ToArray(), v => Assert.InRange(v, -0.005f, 0.005f));
        Assert.Contains(t.D.Parameters.SelectMany(p => p.Value.ToArray()), v => Math.Abs(v) == 0.005f);
    }
}
