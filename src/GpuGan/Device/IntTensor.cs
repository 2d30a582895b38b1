using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Device;

/// <summary>
/// A shape over a contiguous int buffer on one accelerator: class labels and max-pooling argmax indices.
/// Only what those need: allocate (<see cref="ComputeDevice.AllocateInts"/>), copy in and out, free.
/// </summary>
public sealed class IntTensor : IDisposable
{
    readonly MemoryBuffer1D<int, Stride1D.Dense> owned;

    public ComputeDevice Device { get; }
    public int[] Shape { get; }
    public ArrayView<int> View => owned.View;
    public int Length => (int)owned.Length;

    internal IntTensor(ComputeDevice device, MemoryBuffer1D<int, Stride1D.Dense> owned, int[] shape)
    {
        Device = device;
        this.owned = owned;
        Shape = shape;
    }

    public string ShapeText => string.Join(", ", Shape);

    public void CopyFrom(ReadOnlySpan<int> data)
    {
        if (data.Length != Length) throw new ArgumentException($"expected {Length} values for ({ShapeText}), got {data.Length}");
        View.CopyFromCPU(Device.Stream, data);
        Device.Synchronize();
    }

    public void CopyTo(Span<int> data)
    {
        if (data.Length != Length) throw new ArgumentException($"expected room for {Length} values, got {data.Length}");
        Device.Synchronize();
        View.CopyToCPU(Device.Stream, data);
        Device.Synchronize();
    }

    public int[] ToArray()
    {
        var a = new int[Length];
        CopyTo(a);
        return a;
    }

    public void Dispose() => owned.Dispose();

    public override string ToString() => $"IntTensor({ShapeText})";
}
