using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;

namespace GpuGan.Models;

/// <summary>
/// pytorch/examples' dcgan netG/netD for 64x64 images (image folders), w = ngf/ndf: G is a ConvT stack from z
/// as (nz, 1, 1), D a Conv stack down to one logit (no final sigmoid: the loss takes logits); no biases.
/// </summary>
public sealed class Dcgan64 : ModelDefinition
{
    public override string Name => "dcgan64";
    public override string Summary => "pytorch/examples' netG/netD for 64x64 images: five (transposed) convolutions each";
    public override IReadOnlyList<string> Aliases => ["dcgan-64"];
    public override ModelConfig Defaults => new(Name, LatentSize: 100, Channels: 1, ImageSize: 64, GeneratorWidth: 64, DiscriminatorWidth: 64);

    public override void Validate(ModelConfig c) => ValidateImageSize(c);

    internal static void ValidateImageSize(ModelConfig c)
    {
        if (c.ImageSize != 64) throw new ModelConfigException(nameof(ModelConfig.ImageSize), $"{c.ImageSize}: the {c.Name} model is for 64x64 images");
    }

    protected override Sequential CreateGenerator(ComputeDevice dev, ModelConfig c) => new(dev, "G", GeneratorLayers(dev, c, c.LatentSize));

    protected override Sequential CreateDiscriminator(ComputeDevice dev, ModelConfig c) =>
        new(dev, "D", [.. DiscriminatorBody(dev, c), new Conv2d(dev, "D.conv5", 8 * c.DiscriminatorWidth, 1, ConvOptions.Square(4, 1, 0), bias: false), new Reshape(dev, "D.flatten", null)]);

    /// <summary>G from <paramref name="inputs"/> features (z, or z joined to a label embedding), viewed as (inputs, 1, 1), to images.</summary>
    internal static Layer[] GeneratorLayers(ComputeDevice dev, ModelConfig c, int inputs)
    {
        int w = c.GeneratorWidth;
        var k4s2p1 = ConvOptions.Square(4, 2, 1);
        return
        [
            new Reshape(dev, "G.view", [inputs, 1, 1]),
            new ConvTranspose2d(dev, "G.deconv1", inputs, 8 * w, ConvOptions.Square(4, 1, 0), bias: false),
            new BatchNorm(dev, "G.bn1", 8 * w), new Activation(dev, "G.relu1", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv2", 8 * w, 4 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "G.bn2", 4 * w), new Activation(dev, "G.relu2", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv3", 4 * w, 2 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "G.bn3", 2 * w), new Activation(dev, "G.relu3", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv4", 2 * w, w, k4s2p1, bias: false),
            new BatchNorm(dev, "G.bn4", w), new Activation(dev, "G.relu4", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv5", w, c.Channels, k4s2p1, bias: false),
            new Activation(dev, "G.tanh", ActivationFunction.Tanh),
        ];
    }

    /// <summary>D's four strided convolutions: images to (N, 8w, 4, 4) features.</summary>
    internal static Layer[] DiscriminatorBody(ComputeDevice dev, ModelConfig c)
    {
        int w = c.DiscriminatorWidth;
        var k4s2p1 = ConvOptions.Square(4, 2, 1);
        return
        [
            new Conv2d(dev, "D.conv1", c.Channels, w, k4s2p1, bias: false),
            new Activation(dev, "D.lrelu1", ActivationFunction.LeakyRelu, 0.2f),
            new Conv2d(dev, "D.conv2", w, 2 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "D.bn2", 2 * w), new Activation(dev, "D.lrelu2", ActivationFunction.LeakyRelu, 0.2f),
            new Conv2d(dev, "D.conv3", 2 * w, 4 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "D.bn3", 4 * w), new Activation(dev, "D.lrelu3", ActivationFunction.LeakyRelu, 0.2f),
            new Conv2d(dev, "D.conv4", 4 * w, 8 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "D.bn4", 8 * w), new Activation(dev, "D.lrelu4", ActivationFunction.LeakyRelu, 0.2f),
        ];
    }
}
