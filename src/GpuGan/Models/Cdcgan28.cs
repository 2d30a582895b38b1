using GpuGan.Device;
using GpuGan.Layers;

namespace GpuGan.Models;

/// <summary>
/// The class-conditional DCGAN for 28x28 images: <see cref="Dcgan28"/>'s layers, with the label joined to z in G
/// and a projection discriminator. G: [z, embed_G(y)] (classes-wide embedding, N(0, 1)) → dcgan28's G.
/// D: dcgan28's D up to its features φ(x), then w·φ + b + embed_D(y)·φ (<see cref="ProjectionHead"/>), which scored
/// better than the label as extra input channels (BENCHMARKS.md, "Conditional models").
/// </summary>
public sealed class Cdcgan28 : ModelDefinition
{
    public override string Name => "cdcgan28";
    public override string Summary => "class-conditional DCGAN for 28x28 images: label embedding joined to z, projection discriminator";
    public override IReadOnlyList<string> Aliases => ["cdcgan-28", "cmnist"];
    public override bool Conditional => true;
    public override ModelConfig Defaults => new(Name, LatentSize: 100, Channels: 1, ImageSize: 28, GeneratorWidth: 64, DiscriminatorWidth: 64, Classes: 10);

    public override void Validate(ModelConfig c) => Dcgan28.ValidateImageSize(c);

    protected override Sequential CreateGenerator(ComputeDevice dev, ModelConfig c) =>
        new(dev, "G", [new LabelConcat(dev, "G.embed", c.Classes, c.Classes), .. Dcgan28.GeneratorLayers(dev, c, c.LatentSize + c.Classes)]);

    protected override Sequential CreateDiscriminator(ComputeDevice dev, ModelConfig c) =>
        new(dev, "D", [.. Dcgan28.DiscriminatorBody(dev, c, c.Channels), new ProjectionHead(dev, "D.fc", "D.embed", Dcgan28.FeatureSize(c), c.Classes)]);
}
