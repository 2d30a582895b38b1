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
    int DiscriminatorWidth = 64)
{
    [JsonIgnore] public ModelInput Input => new(LatentSize, Channels, ImageSize, ImageSize);

    /// <summary>The registered definition this config names (an unknown name is an error listing the known ones).</summary>
    [JsonIgnore] public ModelDefinition Definition => ModelCatalog.Get(Name);

    public void Validate()
    {
        ValidateSizes();
        Definition.Validate(this);
    }

    /// <summary>Checks every model shares; a definition adds its own in <see cref="ModelDefinition.Validate"/>.</summary>
    internal void ValidateSizes()
    {
        if (LatentSize < 1) throw new ModelConfigException(nameof(LatentSize), $"{LatentSize}: must be >= 1");
        if (Channels is not (1 or 3)) throw new ModelConfigException(nameof(Channels), $"{Channels}: must be 1 (grayscale) or 3 (RGB)");
        if (GeneratorWidth < 1) throw new ModelConfigException(nameof(GeneratorWidth), $"{GeneratorWidth}: must be >= 1");
        if (DiscriminatorWidth < 1) throw new ModelConfigException(nameof(DiscriminatorWidth), $"{DiscriminatorWidth}: must be >= 1");
        if (ImageSize < 1) throw new ModelConfigException(nameof(ImageSize), $"{ImageSize}: must be >= 1");
    }
}
