using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Models;
using GpuGan.Ops;

namespace GpuGan.Tests.Models;

/// <summary>
/// A model added from outside the library, to show that a model is one definition plus one registry line:
/// a two-layer MLP GAN for 8x8 images. Widths are hidden units. DCGAN's initialisation (the default) suits it.
/// </summary>
public sealed class TinyMlpGan : ModelDefinition
{
    public override string Name => "tiny-mlp";
    public override string Summary => "test-only MLP GAN for 8x8 images: Linear-BN-ReLU-Linear-tanh / Linear-LeakyReLU-Linear";
    public override ModelConfig Defaults => new(Name, LatentSize: 8, Channels: 1, ImageSize: 8, GeneratorWidth: 32, DiscriminatorWidth: 32);

    public override void Validate(ModelConfig c)
    {
        if (c.ImageSize != 8) throw new ArgumentException($"--image-size {c.ImageSize}: the tiny-mlp model is for 8x8 images");
    }

    protected override Sequential CreateGenerator(ComputeDevice dev, ModelConfig c)
    {
        int pixels = c.Channels * c.ImageSize * c.ImageSize;
        return new Sequential(dev, "G",
            new Linear(dev, "G.fc1", c.LatentSize, c.GeneratorWidth),
            new BatchNorm(dev, "G.bn1", c.GeneratorWidth),
            new Activation(dev, "G.relu1", ActivationFunction.Relu),
            new Linear(dev, "G.fc2", c.GeneratorWidth, pixels),
            new Activation(dev, "G.tanh", ActivationFunction.Tanh),
            new Reshape(dev, "G.view", [c.Channels, c.ImageSize, c.ImageSize]));
    }

    protected override Sequential CreateDiscriminator(ComputeDevice dev, ModelConfig c)
    {
        int pixels = c.Channels * c.ImageSize * c.ImageSize;
        return new Sequential(dev, "D",
            new Reshape(dev, "D.flatten", null),
            new Linear(dev, "D.fc1", pixels, c.DiscriminatorWidth),
            new Activation(dev, "D.lrelu1", ActivationFunction.LeakyRelu, 0.2f),
            new Linear(dev, "D.fc2", c.DiscriminatorWidth, 1));
    }
}
