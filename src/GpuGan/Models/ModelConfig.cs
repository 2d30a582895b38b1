using System.Text.Json.Serialization;

namespace GpuGan.Models;

/// <summary>
/// Which registered model and the sizes that shape it. Saved in checkpoints and config.json and checked on resume.
/// The widths mean what each definition says (DCGAN: ngf/ndf; an MLP: hidden units).
/// </summary>
public sealed record ModelConfig(
    // Checkpoints written before models were definitions hold the name under "architecture"; the key stays.
    [property: JsonPropertyName("architecture")] string Name = "dcgan28",
    int LatentSize = 100,
    int Channels = 1,
    int ImageSize = 28,
    int GeneratorWidth = 64,
    int DiscriminatorWidth = 64,
    // Class labels a conditional model takes (0: unconditional; checkpoints from before conditional models have none).
    int Classes = 0)
{
    [JsonIgnore] public ModelInput Input => new(LatentSize, Channels, ImageSize, ImageSize, Classes);

    /// <summary>Whether G and D take class labels besides z and images.</summary>
    [JsonIgnore] public bool Conditional => Classes > 0;

    /// <summary>The registered definition this config names (an unknown name is an error listing the known ones).</summary>
    [JsonIgnore] public ModelDefinition Definition => ModelCatalog.Get(Name);

    public const int MaxClasses = 10_000;

    public void Validate()
    {
        Definition.Check(this);
    }

    /// <summary>Checks every model shares; a definition adds its own in <see cref="ModelDefinition.Validate"/>.</summary>
    internal void ValidateSizes()
    {
        if (LatentSize < 1) throw new ModelConfigException(nameof(LatentSize), $"{LatentSize}: must be >= 1");
        if (Channels is not (1 or 3)) throw new ModelConfigException(nameof(Channels), $"{Channels}: must be 1 (grayscale) or 3 (RGB)");
        if (GeneratorWidth < 1) throw new ModelConfigException(nameof(GeneratorWidth), $"{GeneratorWidth}: must be >= 1");
        if (DiscriminatorWidth < 1) throw new ModelConfigException(nameof(DiscriminatorWidth), $"{DiscriminatorWidth}: must be >= 1");
        if (Classes < 0 || Classes > MaxClasses) throw new ModelConfigException(nameof(Classes), $"{Classes}: must be from 0 to {MaxClasses}");
        if (ImageSize < 1) throw new ModelConfigException(nameof(ImageSize), $"{ImageSize}: must be >= 1");
    }
}
