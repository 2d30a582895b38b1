using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Layers;

/// <summary>
/// Conv2d / ConvTranspose2d + Activation run as one step by <see cref="Sequential"/> (bias + f in one launch forward,
/// f' + the bias gradient's sum in one backward) against the same pair run layer by layer (FuseActivations off):
/// output, parameter and input gradients equal within float rounding, for every fusable activation, on the host SIMD,
/// the ILGPU CPU and the (simulated) GPU kernel families.
/// </summary>
[Collection(TestDeviceCollection.Name)]
public sealed class ConvBiasActivationFusionTests(TestDeviceFixture fixture)
{
    const double Tolerance = 1e-6;

    static readonly ActivationFunction[] Fusable = [ActivationFunction.Relu, ActivationFunction.LeakyRelu, ActivationFunction.Tanh, ActivationFunction.Sigmoid];

    // parameter gradients, input gradient: training, a frozen network (dx only: f' alone, no sum), a first layer (no dx)
    static readonly (bool Params, bool Input)[] Modes = [(true, true), (false, true), (true, false)];

    [Theory]
    [InlineData("simd")]
    [InlineData("ilgpu")]
    [InlineData("gpu-family")]
    public void Fused_pair_matches_the_layers_run_one_by_one(string family)
    {
        using var owned = family switch
        {
            "ilgpu" => ComputeDevice.CreateCpu(cpuKernels: CpuKernelVariant.Ilgpu),
            "gpu-family" => ComputeDevice.CreateCpu(simulate: new ILGPU.Runtime.CPU.CPUDevice(32, 8, 1), family: KernelFamily.Gpu),
            _ => null,
        };
        var dev = owned ?? fixture.CpuSimd;
        if (owned == null) Assert.True(dev.UsesHostKernels);
        foreach (bool transposed in new[] { false, true })
        foreach (var kind in Fusable)
        foreach (var (parameterGradients, inputGradient) in Modes)
        {
            var fused = Run(dev, transposed, kind, parameterGradients, inputGradient, fuse: true);
            var plain = Run(dev, transposed, kind, parameterGradients, inputGradient, fuse: false);
            Assert.Equal(plain.Keys.Order(), fused.Keys.Order());
            foreach (var (name, expected) in plain)
                AssertClose($"{family} {(transposed ? "ConvTranspose2d" : "Conv2d")}+{kind} params {parameterGradients} dx {inputGradient} {name}", expected, fused[name]);
        }
    }

    [Fact]
    public void Conv_without_bias_is_not_fused()
    {
        var dev = fixture.CpuSimd;
        using var seq = new Sequential(dev, "seq", new Conv2d(dev, "conv", 2, 3, ConvOptions.Square(3), bias: false),
            new Activation(dev, "act", ActivationFunction.LeakyRelu, 0.2f));
        Assert.Equal(0, seq.FusedPairs);
        using var withBias = new Sequential(dev, "seq", new ConvTranspose2d(dev, "deconv", 2, 3, ConvOptions.Square(3)),
            new Activation(dev, "act", ActivationFunction.Tanh));
        Assert.Equal(1, withBias.FusedPairs);
        using var identity = new Sequential(dev, "seq", new Conv2d(dev, "conv", 2, 3, ConvOptions.Square(3)),
            new Activation(dev, "act", ActivationFunction.Identity));
        Assert.Equal(0, identity.FusedPairs);
    }

    /// <summary>Forward and backward of conv(3 -> 4, k3 s2 p1) + f on fixed inputs (N = 2, 5x6), two steps so the bias gradient accumulates.</summary>
    static Dictionary<string, float[]> Run(ComputeDevice dev, bool transposed, ActivationFunction kind, bool parameterGradients, bool inputGradient, bool fuse)
    {
        const int n = 2, cin = 3, cout = 4, h = 5, w = 6;
        var rng = new Random(7);
        float[] Uniform(int count, double lo, double hi) => Enumerable.Range(0, count).Select(_ => (float)(lo + (hi - lo) * rng.NextDouble())).ToArray();
        var options = ConvOptions.Square(3, 2, 1, transposed ? 1 : 0);
        ConvLayer conv = transposed ? new ConvTranspose2d(dev, "conv", cin, cout, options) : new Conv2d(dev, "conv", cin, cout, options);
        using var seq = new Sequential(dev, "seq", conv, new Activation(dev, "act", kind, 0.2f));
        Assert.Equal(1, seq.FusedPairs);
        seq.FuseActivations = fuse;
        seq.ParameterGradients = parameterGradients;
        conv.Weight.Value.CopyFrom(Uniform(conv.Weight.Value.Length, -0.5, 0.5));
        conv.Bias!.Value.CopyFrom(Uniform(cout, -0.5, 0.5));
        conv.Weight.Grad.CopyFrom(new float[conv.Weight.Value.Length]);
        conv.Bias.Grad.CopyFrom(new float[cout]);
        using var x = dev.Allocate(n, cin, h, w);
        x.CopyFrom(Uniform(n * cin * h * w, -2, 2));

        var r = new Dictionary<string, float[]>();
        for (int step = 0; step < 2; step++)
        {
            var y = seq.Forward(x);
            r[$"y{step}"] = y.ToArray();
            using var dy = dev.Allocate(y.Shape);
            dy.CopyFrom(Uniform(y.Length, -1, 1));
            var dx = seq.Backward(dy, inputGradient);
            Assert.Equal(inputGradient, dx != null);
            if (dx != null) r[$"dx{step}"] = dx.ToArray();
        }
        r["dW"] = conv.Weight.Grad.ToArray();
        r["db"] = conv.Bias.Grad.ToArray();
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
