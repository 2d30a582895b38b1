using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Losses;
using GpuGan.Ops;
using GpuGan.Optim;
using GpuGan.Rng;
using Xunit;

namespace GpuGan.Tests.Training;

/// <summary>The README's "Use from C#" example, kept compiling and running here.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Library_example_trains_a_discriminator_step()
    {
        // --- README example start ---
        using var dev = ComputeDevice.Create(DeviceSpec.Parse("auto"));       // CUDA, OpenCL GPU or the CPU
        var d = new Sequential(dev, "D",
            new Conv2d(dev, "D.conv1", 1, 16, ConvOptions.Square(kernel: 4, stride: 2, padding: 1)),
            new Activation(dev, "D.lrelu1", ActivationFunction.LeakyRelu, 0.2f),
            new Reshape(dev, "D.flatten", null),
            new Linear(dev, "D.fc", 16 * 14 * 14, 1));
        var rng = new NoiseGenerator(dev, seed: 42);
        foreach (var p in d.Parameters) rng.Normal(p.Value, 0f, 0.02f);
        var adam = new Adam(dev, d.Parameters, new AdamOptions(Lr: 2e-4f, Beta1: 0.5f));
        var loss = new GanLoss(dev, GanLossKind.Bce);

        var data = DatasetLoader.LoadEmbedded();                               // 9,000 MNIST digits
        var sampler = new BatchSampler(data, batchSize: 32, seed: 1);
        var host = new float[sampler.BatchFloats];
        var labels = new int[32];
        using var real = dev.Allocate(32, 1, 28, 28);
        sampler.NextBatch(host, labels);
        real.CopyFrom(host);

        adam.ZeroGrad();
        var logits = d.Forward(real);                                          // (32, 1)
        d.Backward(loss.DiscriminatorReal(logits), inputGradient: false);      // accumulates parameter gradients
        adam.Step();
        var stats = loss.ReadStats();                                          // Loss_D(real), D(x)
        // --- README example end ---

        Assert.True(float.IsFinite(stats.DReal) && stats.DReal > 0);
        Assert.InRange(stats.DOfX, 0f, 1f);
        Assert.Equal(1, adam.Steps);
        adam.Dispose();
        loss.Dispose();
        d.Dispose();
    }
}
