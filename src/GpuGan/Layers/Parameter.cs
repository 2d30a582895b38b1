using GpuGan.Device;

namespace GpuGan.Layers;

/// <summary>A trainable tensor and its gradient (same shape). Gradients accumulate until the optimizer zeroes them.</summary>
public sealed class Parameter(string name, Tensor value, Tensor grad) : IDisposable
{
    bool disposed;

    public string Name { get; } = name;
    /// <summary>The weights: own buffers, or a slice of a <see cref="ParameterArena"/> once packed (read it at use, not once).</summary>
    public Tensor Value { get; private set; } = value;
    public Tensor Grad { get; private set; } = grad;
    /// <summary>The arena this parameter lives in, or null while it has its own buffers.</summary>
    public ParameterArena? Arena { get; private set; }
    /// <summary>How a model's initialisation draws it.</summary>
    public ParameterInit Init { get; init; }

    /// <summary>Rebinds to slices of <paramref name="arena"/> (already holding the values) and frees the old storage.</summary>
    internal void MoveInto(Tensor value, Tensor grad, ParameterArena arena)
    {
        FreeStorage();
        Value = value;
        Grad = grad;
        Arena = arena;
    }

    void FreeStorage()
    {
        if (Arena != null) Arena.Release();
        else
        {
            Value.Dispose();
            Grad.Dispose();
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        FreeStorage();
    }
}

/// <summary>How <see cref="Models.DcganInitialization"/> draws a parameter.</summary>
public enum ParameterInit
{
    /// <summary>DCGAN's scheme by role: weights N(0, 0.02), BatchNorm weights N(1, 0.02), biases 0.</summary>
    Dcgan,
    /// <summary>N(0, 1), PyTorch's nn.Embedding default: a label embedding joined to z is then as loud as z.</summary>
    UnitNormal,
}
