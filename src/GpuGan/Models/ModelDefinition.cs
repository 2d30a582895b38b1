using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Rng;

namespace GpuGan.Models;

/// <summary>
/// A named GAN: how to build G and D from layers for a <see cref="ModelConfig"/>, its default sizes, and its
/// initialisation. A new model is a subclass in its own file plus one line in <see cref="ModelCatalog"/>.
/// </summary>
public abstract class ModelDefinition
{
    /// <summary>What --model takes; also the name saved in checkpoints, so never rename a released model.</summary>
    public abstract string Name { get; }
    /// <summary>One line for `gpugan models` and --help.</summary>
    public abstract string Summary { get; }
    /// <summary>Other names --model accepts for this model.</summary>
    public virtual IReadOnlyList<string> Aliases => [];
    /// <summary>The sizes used when no option overrides them; <c>Name</c> must be this model's.</summary>
    public abstract ModelConfig Defaults { get; }

    /// <summary>Whether G and D take class labels (<see cref="Layer.Labels"/>); such a model's defaults name its classes.</summary>
    public virtual bool Conditional => false;

    /// <summary>Rejects sizes this model cannot build, with one line naming the option.</summary>
    public virtual void Validate(ModelConfig c) { }

    /// <summary>G: (N, LatentSize) noise (and, when conditional, Labels (N)) to (N, C, H, W) images in [-1, 1]. Layer names must be unique: they key checkpoints.</summary>
    protected abstract Sequential CreateGenerator(ComputeDevice dev, ModelConfig c);
    /// <summary>D: (N, C, H, W) images (and, when conditional, Labels (N)) to (N, 1) logits.</summary>
    protected abstract Sequential CreateDiscriminator(ComputeDevice dev, ModelConfig c);

    /// <summary>Sets a freshly built network's weights; DCGAN's scheme unless a model says otherwise.</summary>
    public virtual void Initialize(Layer network, NoiseGenerator rng) => DcganInitialization.Apply(network, rng);

    public Sequential Generator(ComputeDevice dev, ModelConfig c)
    {
        Check(c);
        return CreateGenerator(dev, c);
    }

    public Sequential Discriminator(ComputeDevice dev, ModelConfig c)
    {
        Check(c);
        return CreateDiscriminator(dev, c);
    }

    /// <summary>G and D, initialised from one generator in that order (G first), as every checkpoint so far was made.</summary>
    public (Sequential G, Sequential D) Build(ComputeDevice dev, ModelConfig c, NoiseGenerator init)
    {
        var g = Generator(dev, c);
        Sequential? d = null;
        try
        {
            d = Discriminator(dev, c);
            Initialize(g, init);
            Initialize(d, init);
            return (g, d);
        }
        catch
        {
            g.Dispose();
            d?.Dispose();
            throw;
        }
    }

    /// <summary>Parameter counts of G and D for the given sizes (builds both on the device, uninitialised).</summary>
    public (long G, long D) ParameterCounts(ComputeDevice dev, ModelConfig c)
    {
        using var g = Generator(dev, c);
        using var d = Discriminator(dev, c);
        return (CountParameters(g), CountParameters(d));
    }

    public static long CountParameters(Layer network) => network.Parameters.Sum(p => (long)p.Value.Length);

    /// <summary>Every check of a config for this model: shared sizes, classes, then the model's own.</summary>
    internal void Check(ModelConfig c)
    {
        if (!string.Equals(c.Name, Name, StringComparison.OrdinalIgnoreCase))
            throw new ModelConfigException(nameof(ModelConfig.Name), $"{c.Name}: this definition builds {Name}");
        c.ValidateSizes();
        if (Conditional && c.Classes < 2)
            throw new ModelConfigException(nameof(ModelConfig.Classes), $"{c.Classes}: the {Name} model is conditional and needs at least 2 classes");
        if (!Conditional && c.Classes != 0)
            throw new ModelConfigException(nameof(ModelConfig.Classes), $"{c.Classes}: the {Name} model takes no class labels (conditional models: {string.Join(", ", ModelCatalog.All.Where(m => m.Conditional).Select(m => m.Name))})");
        Validate(c);
    }
}
