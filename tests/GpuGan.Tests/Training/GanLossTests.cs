using GpuGan.Device;
using GpuGan.Losses;
using Xunit;

namespace GpuGan.Tests.Training;

/// <summary>GanLoss as PyTorch computes and logs it: LSGAN is MSELoss, targets (scalar and per sample), and how long a term's result lives.</summary>
public sealed class GanLossTests
{
    static Tensor Up(ComputeDevice dev, float[] values)
    {
        var t = dev.Allocate(values.Length, 1);
        t.CopyFrom(values);
        return t;
    }

    static double Sigmoid(double l) => 1 / (1 + Math.Exp(-l));
    static double Bce(double l, double t) => Math.Max(l, 0) - l * t + Math.Log(1 + Math.Exp(-Math.Abs(l)));

    static void Near(IReadOnlyList<double> expected, float[] got)
    {
        Assert.Equal(expected.Count, got.Length);
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 6);
    }

    [Fact]
    public void Lsgan_is_pytorchs_mse_loss()
    {
        // torch: nn.MSELoss()(torch.tensor([0.5, -1., 2., 0.]), torch.ones(4)) = 1.5625, its gradient 2(l - 1)/4;
        // against zeros 1.3125, gradient 2l/4. All exact in float32.
        using var dev = ComputeDevice.CreateCpu();
        using var logits = Up(dev, [0.5f, -1f, 2f, 0f]);
        using var loss = new GanLoss(dev, GanLossKind.Lsgan);
        Assert.Equal(new float[] { -0.25f, -1f, 0.5f, -0.5f }, loss.DiscriminatorReal(logits).ToArray());
        Assert.Equal(new float[] { 0.25f, -0.5f, 1f, 0f }, loss.DiscriminatorFake(logits).ToArray());
        Assert.Equal(new float[] { -0.25f, -1f, 0.5f, -0.5f }, loss.Generator(logits).ToArray());
        var s = loss.ReadStats();
        Assert.Equal(1.5625f, s.DReal);
        Assert.Equal(1.3125f, s.DFake);
        Assert.Equal(2.875f, s.D);      // criterion(out_real, 1) + criterion(out_fake, 0), as PyTorch logs errD
        Assert.Equal(1.5625f, s.G);
    }

    [Fact]
    public void Real_target_smooths_lsgan_too()
    {
        using var dev = ComputeDevice.CreateCpu();
        float[] l = [0.5f, -1f, 2f, 0f, 0.3f];
        using var logits = Up(dev, l);
        using var loss = new GanLoss(dev, GanLossKind.Lsgan) { RealTarget = 0.9f };
        var grad = loss.DiscriminatorReal(logits).ToArray();
        Near(l.Select(x => 2 * (x - (double)0.9f) / l.Length).ToArray(), grad);
        Assert.Equal(l.Average(x => (x - (double)0.9f) * (x - (double)0.9f)), loss.ReadStats().DReal, 5);
    }

    [Theory]
    [InlineData(GanLossKind.Bce)]
    [InlineData(GanLossKind.Lsgan)]
    public void Fake_and_generator_targets_are_settable(GanLossKind kind)
    {
        using var dev = ComputeDevice.CreateCpu();
        float[] l = [-2f, -0.5f, 0f, 0.7f, 3f];
        using var logits = Up(dev, l);
        using var loss = new GanLoss(dev, kind) { FakeTarget = 0.1f, GeneratorTarget = 0.8f };
        Assert.Equal(1f, loss.RealTarget);
        var dFake = loss.DiscriminatorFake(logits).ToArray();
        var dG = loss.Generator(logits).ToArray();
        double Grad(double x, double t) => kind == GanLossKind.Bce ? (Sigmoid(x) - t) / l.Length : 2 * (x - t) / l.Length;
        double Value(double x, double t) => kind == GanLossKind.Bce ? Bce(x, t) : (x - t) * (x - t);
        Near(l.Select(x => Grad(x, 0.1f)).ToArray(), dFake);
        Near(l.Select(x => Grad(x, 0.8f)).ToArray(), dG);
        var s = loss.ReadStats();
        Assert.Equal(l.Average(x => Value(x, 0.1f)), s.DFake, 5);
        Assert.Equal(l.Average(x => Value(x, 0.8f)), s.G, 5);
    }

    [Theory]
    [InlineData(GanLossKind.Bce)]
    [InlineData(GanLossKind.Minimax)]
    [InlineData(GanLossKind.Lsgan)]
    public void Per_sample_targets_give_each_sample_its_own_label(GanLossKind kind)
    {
        using var dev = ComputeDevice.CreateCpu();
        float[] l = [-2f, -0.5f, 0f, 0.7f, 3f];
        float[] t = [0.1f, 0.9f, 0.5f, 1f, 0f];
        using var logits = Up(dev, l);
        using var targets = Up(dev, t);
        using var loss = new GanLoss(dev, kind);
        var grad = loss.DiscriminatorReal(logits, targets).ToArray();
        bool bce = kind != GanLossKind.Lsgan;
        Near(l.Select((x, i) => bce ? (Sigmoid(x) - t[i]) / l.Length : 2 * (x - (double)t[i]) / l.Length).ToArray(), grad);
        Assert.Equal(l.Select((x, i) => bce ? Bce(x, t[i]) : (x - (double)t[i]) * (x - (double)t[i])).Average(), loss.ReadStats().DReal, 5);

        // The same target for every sample is, bit for bit, the scalar target.
        using var same = Up(dev, Enumerable.Repeat(0.9f, l.Length).ToArray());
        var perSample = loss.DiscriminatorFake(logits, same).ToArray();
        using var scalar = new GanLoss(dev, kind) { FakeTarget = 0.9f };
        Assert.Equal(scalar.DiscriminatorFake(logits).ToArray(), perSample);
        if (kind != GanLossKind.Minimax)
        {
            scalar.GeneratorTarget = 0.9f;
            Assert.Equal(scalar.Generator(logits).ToArray(), loss.Generator(logits, same).ToArray());
        }
    }

    [Fact]
    public void Losses_without_a_target_refuse_one()
    {
        using var dev = ComputeDevice.CreateCpu();
        using var logits = Up(dev, [0.5f, -1f]);
        using var targets = Up(dev, [1f, 0f]);
        var hinge = Assert.Throws<ArgumentException>(() => new GanLoss(dev, GanLossKind.Hinge) { RealTarget = 0.9f });
        Assert.StartsWith("GanLoss.RealTarget: the hinge loss has no targets (they are for bce, minimax and lsgan)", hinge.Message);
        Assert.Throws<ArgumentException>(() => new GanLoss(dev, GanLossKind.Wgan) { FakeTarget = 0.1f });
        var minimax = Assert.Throws<ArgumentException>(() => new GanLoss(dev, GanLossKind.Minimax) { GeneratorTarget = 0.9f });
        Assert.StartsWith("GanLoss.GeneratorTarget: the minimax generator term log(1 - sigmoid(l)) has no target", minimax.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GanLoss(dev, GanLossKind.Bce) { RealTarget = float.NaN });

        // The defaults are fine for every kind (the trainer always sets RealTarget).
        using (var h = new GanLoss(dev, GanLossKind.Hinge) { RealTarget = 1f, FakeTarget = 0f, GeneratorTarget = 1f })
        {
            Assert.Throws<ArgumentException>(() => h.DiscriminatorReal(logits, targets));
            Assert.Throws<ArgumentException>(() => h.Generator(logits, targets));
        }
        using (var m = new GanLoss(dev, GanLossKind.Minimax) { RealTarget = 0.9f })
        {
            m.DiscriminatorFake(logits, targets);
            Assert.Throws<ArgumentException>(() => m.Generator(logits, targets));
        }
        using var b = new GanLoss(dev, GanLossKind.Bce);
        using var three = Up(dev, [1f, 1f, 1f]);
        var count = Assert.Throws<ArgumentException>(() => b.DiscriminatorReal(logits, three));
        Assert.StartsWith("GanLoss.DiscriminatorReal: 3 targets for 2 logits", count.Message);
    }

    [Fact]
    public void Each_term_keeps_its_result_until_its_next_call()
    {
        using var dev = ComputeDevice.CreateCpu();
        float[] four = [0.5f, -1f, 2f, 0f], six = [1f, -2f, 0.25f, 3f, -0.5f, 0f];
        using var a = Up(dev, four);
        using var b = Up(dev, six);
        using var loss = new GanLoss(dev, GanLossKind.Bce);
        var dReal = loss.DiscriminatorReal(a);
        var dFake = loss.DiscriminatorFake(b);
        var dG = loss.Generator(b);
        // With one gradient buffer shared by the three terms, the calls with batch 6 freed batch 4's result and
        // this read threw NullReferenceException.
        Near(four.Select(x => (Sigmoid(x) - 1) / 4).ToArray(), dReal.ToArray());
        Near(six.Select(x => Sigmoid(x) / 6).ToArray(), dFake.ToArray());
        Near(six.Select(x => (Sigmoid(x) - 1) / 6).ToArray(), dG.ToArray());
        Assert.Equal([4, 1], dReal.Shape);

        // The same term again with the same size overwrites its result in place...
        var again = loss.DiscriminatorFake(b);
        Assert.Equal(again.ToArray(), dFake.ToArray());
        // ...and with another size frees it: reading the earlier tensor says so instead of failing obscurely.
        var bigger = loss.DiscriminatorReal(b);
        var e = Assert.Throws<ObjectDisposedException>(() => dReal.ToArray());
        Assert.Contains("GanLoss.DiscriminatorReal dL/dlogits", e.Message);
        Assert.Throws<ObjectDisposedException>(() => dReal.View);
        Assert.Equal(6, bigger.ToArray().Length);
        Near(six.Select(x => (Sigmoid(x) - 1) / 6).ToArray(), dG.ToArray());
    }
}
