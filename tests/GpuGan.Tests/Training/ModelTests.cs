using GpuGan.Device;
using GpuGan.Models;
using GpuGan.Rng;
using GpuGan.Tests.Training;
using Xunit;

namespace GpuGan.Tests.Training;

public sealed class ModelTests
{
    [Fact]
    public void Default_dcgan_has_the_reference_parameter_counts()
    {
        using var dev = ComputeDevice.CreateCpu();
        var (g, d) = ModelCatalog.Default.ParameterCounts(dev, new ModelConfig());
        // The same model in TorchSharp/PyTorch: G 778,305 and D 138,817 parameters.
        Assert.Equal(778_305, g);
        Assert.Equal(138_817, d);
    }

    [Fact]
    public void Dcgan64_maps_noise_to_64x64_rgb_images_and_back()
    {
        using var dev = ComputeDevice.CreateCpu();
        var m = new ModelConfig("dcgan64", LatentSize: 10, Channels: 3, ImageSize: 64, GeneratorWidth: 4, DiscriminatorWidth: 4);
        var (g, d) = m.Definition.Build(dev, m, new NoiseGenerator(dev, 5));
        using var _g = g;
        using var _d = d;
        var rng = new NoiseGenerator(dev, 6);
        using var z = dev.Allocate(2, 10);
        rng.Normal(z);
        var x = g.Forward(z);
        Assert.Equal(new[] { 2, 3, 64, 64 }, x.Shape);
        Assert.All(x.ToArray(), v => Assert.InRange(v, -1f, 1f));
        var logits = d.Forward(x);
        Assert.Equal(new[] { 2, 1 }, logits.Shape);
        using var dy = dev.Allocate(2, 1);
        dy.CopyFrom([1f, -1f]);
        var dx = d.Backward(dy)!;
        Assert.Equal(x.Shape, dx.Shape);
        Assert.Contains(dx.ToArray(), v => v != 0f);
        var dz = g.Backward(dx)!;
        Assert.Equal(new[] { 2, 10 }, dz.Shape);
        Assert.All(dz.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Contains(g.Parameters.First().Grad.ToArray(), v => v != 0f);
    }

    [Fact]
    public void Same_seed_gives_the_same_initial_weights()
    {
        using var dev = ComputeDevice.CreateCpu();
        var definition = TinyRun.Model.Definition;
        using var a = definition.Generator(dev, TinyRun.Model);
        using var b = definition.Generator(dev, TinyRun.Model);
        definition.Initialize(a, new NoiseGenerator(dev, 11));
        definition.Initialize(b, new NoiseGenerator(dev, 11));
        var wa = a.Parameters.First().Value.ToArray();
        Assert.Equal(wa, b.Parameters.First().Value.ToArray());
        // N(0, 0.02): the sample standard deviation of a few hundred weights is close to 0.02.
        double sd = Math.Sqrt(wa.Select(v => (double)v * v).Average());
        Assert.InRange(sd, 0.015, 0.025);
    }
}
