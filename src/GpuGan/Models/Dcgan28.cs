using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;

namespace GpuGan.Models;

/// <summary>
/// The DCGAN for 28x28 images (MNIST), s = size/4, w = width.
/// G: z → Linear(z, 2w·s·s) → BN1d → ReLU → view (2w, s, s) → ConvT(2w→w, 4, 2, 1) → BN → ReLU → ConvT(w→C, 4, 2, 1) → tanh.
/// D: Conv(C→w, 4, 2, 1) → LeakyReLU(0.2) → Conv(w→2w, 4, 2, 1) → BN → LeakyReLU(0.2) → flatten → Linear(2w·s·s → 1).
/// </summary>
public sealed class Dcgan28 : ModelDefinition
{
    public override string Name => "dcgan28";
    public override string Summary => "DCGAN for 28x28 images (MNIST): Linear + two transposed convolutions";
    public override IReadOnlyList<string> Aliases => ["dcgan-28", "mnist"];
    public override ModelConfig Defaults => new(Name, LatentSize: 100, Channels: 1, ImageSize: 28, GeneratorWidth: 64, DiscriminatorWidth: 64);

    public override void Validate(ModelConfig c) => ValidateImageSize(c);

    internal static void ValidateImageSize(ModelConfig c)
    {
        if (c.ImageSize < 8 || c.ImageSize % 4 != 0)
            throw new ModelConfigException(nameof(ModelConfig.ImageSize), $"{c.ImageSize}: the {c.Name} model needs a multiple of 4 (>= 8)");
    }

    protected override Sequential CreateGenerator(ComputeDevice dev, ModelConfig c) => new(dev, "G", GeneratorLayers(dev, c, c.LatentSize));

    protected override Sequential CreateDiscriminator(ComputeDevice dev, ModelConfig c) =>
        new(dev, "D", [.. DiscriminatorBody(dev, c, c.Channels), new Linear(dev, "D.fc", FeatureSize(c), 1)]);

    /// <summary>G from an input of <paramref name="inputs"/> features (z, or z joined to a label embedding) to images.</summary>
    internal static Layer[] GeneratorLayers(ComputeDevice dev, ModelConfig c, int inputs)
    {
        int w = c.GeneratorWidth, s = c.ImageSize / 4;
        var k4s2p1 = ConvOptions.Square(4, 2, 1);
        return
        [
            new Linear(dev, "G.fc", inputs, 2 * w * s * s),
            new BatchNorm(dev, "G.bn0", 2 * w * s * s),
            new Activation(dev, "G.relu0", ActivationFunction.Relu),
            new Reshape(dev, "G.view", [2 * w, s, s]),
            new ConvTranspose2d(dev, "G.deconv1", 2 * w, w, k4s2p1),
            new BatchNorm(dev, "G.bn1", w),
            new Activation(dev, "G.relu1", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv2", w, c.Channels, k4s2p1),
            new Activation(dev, "G.tanh", ActivationFunction.Tanh),
        ];
    }

    /// <summary>D up to its flattened features φ(x): (N, <see cref="FeatureSize"/>), from images of <paramref name="channels"/> channels.</summary>
    internal static Layer[] DiscriminatorBody(ComputeDevice dev, ModelConfig c, int channels)
    {
        int w = c.DiscriminatorWidth;
        var k4s2p1 = ConvOptions.Square(4, 2, 1);
        return
        [
            new Conv2d(dev, "D.conv1", channels, w, k4s2p1),
            new Activation(dev, "D.lrelu1", ActivationFunction.LeakyRelu, 0.2f),
            new Conv2d(dev, "D.conv2", w, 2 * w, k4s2p1),
            new BatchNorm(dev, "D.bn2", 2 * w),
            new Activation(dev, "D.lrelu2", ActivationFunction.LeakyRelu, 0.2f),
            new Reshape(dev, "D.flatten", null),
        ];
    }

    internal static int FeatureSize(ModelConfig c) => 2 * c.DiscriminatorWidth * (c.ImageSize / 4) * (c.ImageSize / 4);
}
