using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Layers;

/// <summary>
/// BatchNorm + Activation run as one step by <see cref="Sequential"/> (the activation fused into BatchNorm's
/// kernels) against the same pair run layer by layer (FuseActivations off): output, running statistics, parameter
/// and input gradients equal within float rounding, on the host SIMD and the ILGPU CPU kernel families.
/// </summary>
[Collection(TestDeviceCollection.Name)]
public sealed class BatchNormFusionTests(TestDeviceFixture fixture)
{
    const double Tolerance = 1e-6;

    public static TheoryData<string, int, bool, bool, bool> Cases() => new()
    {
        // activation, plane (1: BatchNorm1d), training, parameter gradients, input gradient
        { "Relu", 1, true, true, true },
        { "LeakyRelu", 7 * 7, true, true, true },
        { "LeakyRelu", 1, false, true, true },
        { "Relu", 5 * 3, false, true, true },
        { "Tanh", 4 * 4, true, true, true },
        { "Sigmoid", 1, true, true, true },
        { "Relu", 3 * 3, true, false, true },      // frozen parameters: only dx
        { "LeakyRelu", 3 * 3, true, true, false }, // first layer: no dx
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_pair_matches_the_layers_run_one_by_one(string activation, int plane, bool training, bool parameterGradients, bool inputGradient)
    {
        var kind = Enum.Parse<ActivationFunction>(activation);
        Assert.True(fixture.CpuSimd.UsesHostKernels);
        using var ilgpu = ComputeDevice.CreateCpu(cpuKernels: CpuKernelVariant.Ilgpu);
        foreach (var dev in new[] { fixture.CpuSimd, ilgpu })
        {
            var fused = Run(dev, kind, plane, training, parameterGradients, inputGradient, fuse: true);
            var plain = Run(dev, kind, plane, training, parameterGradients, inputGradient, fuse: false);
            Assert.Equal(plain.Keys.Order(), fused.Keys.Order());
            foreach (var (name, expected) in plain)
                AssertClose($"{dev.CpuKernels} {activation} plane {plane} {name}", expected, fused[name]);
        }
    }

    /// <summary>One training step of BatchNorm(6) + activation on fixed inputs (N = 5); the named results.</summary>
    static Dictionary<string, float[]> Run(ComputeDevice dev, ActivationFunction kind, int plane, bool training,
        bool parameterGradients, bool inputGradient, bool fuse)
    {
        const int n = 5, channels = 6;
        var rng = new Random(42);
        float[] Uniform(int count, double lo, double hi) => Enumerable.Range(0, count).Select(_ => (float)(lo + (hi - lo) * rng.NextDouble())).ToArray();
        int[] shape = plane == 1 ? [n, channels] : [n, channels, plane, 1];
        int length = n * channels * plane;

        var bn = new BatchNorm(dev, "bn", channels);
        using var seq = new Sequential(dev, "seq", bn, new Activation(dev, "act", kind, 0.2f));
        Assert.Equal(1, seq.FusedPairs);
        seq.FuseActivations = fuse;
        seq.Training = training;
        seq.ParameterGradients = parameterGradients;
        bn.Weight.Value.CopyFrom(Uniform(channels, 0.5, 1.5));
        bn.Bias.Value.CopyFrom(Uniform(channels, -0.5, 0.5));
        bn.RunningMean.CopyFrom(Uniform(channels, -0.5, 0.5));
        bn.RunningVar.CopyFrom(Uniform(channels, 0.5, 2));
        using var x = dev.Allocate(shape);
        x.CopyFrom(Uniform(length, -2, 2));
        using var dy = dev.Allocate(shape);
        dy.CopyFrom(Uniform(length, -1, 1));

        var r = new Dictionary<string, float[]> { ["y"] = seq.Forward(x).ToArray() };
        var dx = seq.Backward(dy, inputGradient);
        Assert.Equal(inputGradient, dx != null);
        if (dx != null) r["dx"] = dx.ToArray();
        r["dGamma"] = bn.Weight.Grad.ToArray();
        r["dBeta"] = bn.Bias.Grad.ToArray();
        r["runningMean"] = bn.RunningMean.ToArray();
        r["runningVar"] = bn.RunningVar.ToArray();
        return r;
    }

    static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(expected.Max(v => Math.Abs((double)v)), 1e-3);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs((double)actual[i] - expected[i]) <= Tolerance * scale))
                Assert.Fail($"{what}[{i}]: fused {actual[i]:R} vs layer by layer {expected[i]:R}");
    }
}
