using GpuGan.Device;
using GpuGan.Losses;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Training;

/// <summary>--label-smoothing, the option-table worked example: the loss and the trainer use the real-label target.</summary>
public sealed class LabelSmoothingTests
{
    [Fact]
    public void Bce_on_real_uses_the_real_label_as_its_target()
    {
        using var dev = ComputeDevice.CreateCpu();
        float[] logits = [-2f, -0.5f, 0f, 0.7f, 3f];
        using var t = dev.Allocate(logits.Length, 1);
        t.CopyFrom(logits);
        using var loss = new GanLoss(dev, GanLossKind.Bce) { RealTarget = 0.9f };
        var grad = new float[logits.Length];
        loss.DiscriminatorReal(t).CopyTo(grad);
        double expected = logits.Average(l => Math.Max(l, 0) - l * 0.9 + Math.Log(1 + Math.Exp(-Math.Abs(l))));
        Assert.Equal(expected, loss.ReadStats().DReal, 5);
        for (int i = 0; i < logits.Length; i++)
            Assert.Equal((1 / (1 + Math.Exp(-logits[i])) - 0.9) / logits.Length, grad[i], 5);
    }

    [Theory]
    [InlineData(GanLossKind.Bce)]
    [InlineData(GanLossKind.Lsgan)]
    public void The_trainer_gives_d_the_smoothed_target(GanLossKind kind)
    {
        MetricsRecord FirstStep(float smoothing)
        {
            using var dev = ComputeDevice.CreateCpu();
            var options = TinyRun.Options(TinyRun.TempDir(), 1) with { Loss = kind, LabelSmoothing = smoothing };
            using var trainer = new GanTrainer(dev, options, TinyRun.Data());
            trainer.Run(CancellationToken.None);
            return trainer.History[0];
        }
        var plain = FirstStep(1f);
        var smoothed = FirstStep(0.9f);
        // Same weights, batch and noise in the first step: D(x) agrees, D's loss differs by the target alone.
        Assert.Equal(plain.DOfX, smoothed.DOfX);
        Assert.NotEqual(plain.LossD, smoothed.LossD);
    }

    [Theory]
    [InlineData(GanLossKind.Hinge, "hinge")]
    [InlineData(GanLossKind.Wgan, "wgan")]
    public void Losses_without_a_target_refuse_label_smoothing(GanLossKind kind, string name)
    {
        var e = Assert.Throws<TrainOptionException>(() => new TrainOptions { Loss = kind, LabelSmoothing = 0.9f }.Validate());
        Assert.Equal($"TrainOptions.LabelSmoothing sets D's real target of the bce, minimax and lsgan losses; TrainOptions.Loss {name} has no target (leave it at 1)", e.Message);
        Assert.Equal($"--label-smoothing sets D's real target of the bce, minimax and lsgan losses; --loss {name} has no target (leave it at 1)", e.Format(r => "--" + r.Flag));
        new TrainOptions { Loss = kind }.Validate();
        new TrainOptions { Loss = GanLossKind.Minimax, LabelSmoothing = 0.9f }.Validate();
    }

    [Fact]
    public void Library_validation_names_the_property()
    {
        var e = Assert.Throws<TrainOptionException>(() => new TrainOptions { LabelSmoothing = 1.5f }.Validate());
        Assert.Equal("TrainOptions.LabelSmoothing must be > 0 and <= 1, not 1.5", e.Message);
        var b = Assert.Throws<TrainOptionException>(() => new TrainOptions { BatchSize = 1 }.Validate());
        Assert.StartsWith("TrainOptions.BatchSize must be >= 2", b.Message);
        Assert.Equal("--batch-size must be >= 2 (BatchNorm needs more than one sample), not 1", b.Format(r => "--" + r.Flag));
        // A size the model definition refuses is reported through its option row too.
        var m = Assert.Throws<TrainOptionException>(() => new TrainOptions { Model = new GpuGan.Models.ModelConfig(ImageSize: 30) }.Validate());
        Assert.Equal("TrainOptions.Model.ImageSize 30: the dcgan28 model needs a multiple of 4 (>= 8)", m.Message);
        Assert.Equal("--image-size 30: the dcgan28 model needs a multiple of 4 (>= 8)", m.Format(r => "--" + r.Flag));
    }
}
