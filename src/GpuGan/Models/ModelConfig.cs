namespace GpuGan.Models;

public enum Architecture
{
    /// <summary>The DCGAN for 28x28 images (MNIST): Linear + two transposed convolutions.</summary>
    Dcgan28,
    /// <summary>pytorch/examples' dcgan netG/netD for 64x64 images (image folders).</summary>
    Dcgan64,
}

/// <summary>Shape of the generator/discriminator pair. Saved in checkpoints and checked on resume.</summary>
public sealed record ModelConfig(
    Architecture Architecture = Architecture.Dcgan28,
    int LatentSize = 100,
    int Channels = 1,
    int ImageSize = 28,
    int GeneratorWidth = 64,
    int DiscriminatorWidth = 64)
{
    public void Validate()
    {
        if (LatentSize < 1) throw new ArgumentException($"--latent {LatentSize}: must be >= 1");
        if (Channels is not (1 or 3)) throw new ArgumentException($"--channels {Channels}: must be 1 (grayscale) or 3 (RGB)");
        if (GeneratorWidth < 1 || DiscriminatorWidth < 1) throw new ArgumentException("--g-width and --d-width must be >= 1");
        if (Architecture == Architecture.Dcgan28 && (ImageSize < 8 || ImageSize % 4 != 0))
            throw new ArgumentException($"--image-size {ImageSize}: the dcgan28 model needs a multiple of 4 (>= 8)");
        if (Architecture == Architecture.Dcgan64 && ImageSize != 64)
            throw new ArgumentException($"--image-size {ImageSize}: the dcgan64 model is for 64x64 images");
    }

    public static Architecture ParseArchitecture(string text) => text.ToLowerInvariant() switch
    {
        "dcgan28" or "dcgan-28" or "mnist" => Architecture.Dcgan28,
        "dcgan64" or "dcgan-64" => Architecture.Dcgan64,
        _ => throw new ArgumentException($"--model '{text}': expected dcgan28 or dcgan64"),
    };
}
