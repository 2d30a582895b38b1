using GpuGan.Device;

namespace GpuGan.Layers;

/// <summary>A trainable tensor and its gradient (same shape). Gradients accumulate until the optimizer zeroes them.</summary>
public sealed class Parameter(string name, Tensor value, Tensor grad) : IDisposable
{
    public string Name { get; } = name;
    public Tensor Value { get; } = value;
    public Tensor Grad { get; } = grad;
    /// <summary>How a model's initialisation draws it.</summary>
    public ParameterInit Init { get; init; }

    public void Dispose()
    {
        Value.Dispose();
        Grad.Dispose();
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
