using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// A differentiable layer: Forward(x) keeps what Backward(dy) needs; Backward accumulates parameter
/// gradients and returns the input gradient (written into a buffer the layer owns) when asked for it.
/// Output and gradient buffers are allocated on first use for a shape and reused while it stays the same.
/// </summary>
public abstract class Layer : IDisposable
{
    protected Layer(ComputeDevice device, string name)
    {
        Device = device;
        Name = name;
    }

    public ComputeDevice Device { get; }
    public string Name { get; }

    /// <summary>Training mode (batch statistics in BatchNorm) or evaluation mode (running statistics).</summary>
    public virtual bool Training { get; set; } = true;

    /// <summary>When false, Backward skips parameter gradients (e.g. D is frozen while G trains).</summary>
    public virtual bool ParameterGradients { get; set; } = true;

    /// <summary>
    /// Class labels (N) of the samples the next Forward sees, for conditional layers (<see cref="LabelConcat"/>,
    /// <see cref="ProjectionHead"/>); Sequential hands them to its layers, the others ignore them. The caller owns the
    /// tensor and must keep its contents until Backward: a conditional layer reads them in both passes.
    /// </summary>
    public virtual IntTensor? Labels { get; set; }

    public abstract Tensor Forward(Tensor x);

    /// <summary>Returns dL/dx when <paramref name="inputGradient"/> is true, otherwise null.</summary>
    public abstract Tensor? Backward(Tensor dy, bool inputGradient = true);

    public virtual IEnumerable<Parameter> Parameters => [];

    /// <summary>Non-trainable state saved in checkpoints (BatchNorm running statistics).</summary>
    public virtual IEnumerable<(string Name, Tensor Value)> Buffers => [];

    /// <summary>Integers kept on the host and saved in checkpoints (BatchNorm's num_batches_tracked).</summary>
    public virtual IEnumerable<LayerCounter> Counters => [];

    /// <summary>Returns <paramref name="cache"/> if it already has this shape, else a fresh tensor (the old one is freed).</summary>
    protected Tensor Ensure(ref Tensor? cache, params int[] shape)
    {
        if (cache != null && cache.Shape.AsSpan().SequenceEqual(shape)) return cache;
        cache?.Dispose();
        cache = Device.Allocate(shape);
        return cache;
    }

    protected Parameter NewParameter(string name, params int[] shape) => NewParameter(name, ParameterInit.Dcgan, shape);

    protected Parameter NewParameter(string name, ParameterInit init, params int[] shape)
    {
        var value = Device.Allocate(shape);
        var grad = Device.Allocate(shape);
        ElementwiseOps.Fill(Device, value.View, value.Length, 0f);
        ElementwiseOps.Fill(Device, grad.View, grad.Length, 0f);
        return new Parameter($"{Name}.{name}", value, grad) { Init = init };
    }

    protected static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }

    public virtual void Dispose()
    {
        foreach (var p in Parameters) p.Dispose();
        foreach (var (_, b) in Buffers) b.Dispose();
        GC.SuppressFinalize(this);
    }
}
