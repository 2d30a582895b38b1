using GpuGan.Device;
using GpuGan.Layers;

namespace GpuGan.Models;

/// <summary>
/// The class-conditional counterpart of <see cref="Dcgan64"/> (e.g. MNIST resized to 64x64): G takes [z, embed_G(y)]
/// as (nz + classes, 1, 1); D is dcgan64's four strided convolutions, flattened to φ (8w·4·4), and a projection head
/// w·φ + b + embed_D(y)·φ in place of the final 4x4 convolution (the same linear map plus the label's projection).
/// </summary>
public sealed class Cdcgan64 : ModelDefinition
{
    public override string Name => "cdcgan64";
    public override string Summary => "class-conditional dcgan64: label embedding joined to z, projection discriminator";
    public override IReadOnlyList<string> Aliases => ["cdcgan-64"];
    public override bool Conditional => true;
    public override ModelConfig Defaults => new(Name, LatentSize: 100, Channels: 1, ImageSize: 64, GeneratorWidth: 64, DiscriminatorWidth: 64, Classes: 10);

    public override void Validate(ModelConfig c) => Dcgan64.ValidateImageSize(c);

    protected override Sequential CreateGenerator(ComputeDevice dev, ModelConfig c) =>
        new(dev, "G", [new LabelConcat(dev, "G.embed", c.Classes, c.Classes), .. Dcgan64.GeneratorLayers(dev, c, c.LatentSize + c.Classes)]);

    protected override Sequential CreateDiscriminator(ComputeDevice dev, ModelConfig c) =>
        new(dev, "D", [.. Dcgan64.DiscriminatorBody(dev, c), new Reshape(dev, "D.flatten", null),
            new ProjectionHead(dev, "D.fc", "D.embed", 8 * c.DiscriminatorWidth * 4 * 4, c.Classes)]);
}
