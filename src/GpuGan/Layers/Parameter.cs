using GpuGan.Device;

namespace GpuGan.Layers;

/// <summary>A trainable tensor and its gradient (same shape). Gradients accumulate until the optimizer zeroes them.</summary>
public sealed class Parameter(string name, Tensor value, Tensor grad) : IDisposable
{
    public string Name { get; } = name;
    public Tensor Value { get; } = value;
    public Tensor Grad { get; } = grad;

    public void Dispose()
    {
        Value.Dispose();
        Grad.Dispose();
    }
}
