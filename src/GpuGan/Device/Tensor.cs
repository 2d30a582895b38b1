using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Device;

/// <summary>
/// A shape over a contiguous float view on one accelerator. Reshape returns a new tensor over the same
/// memory (no copy). The tensor that allocated the buffer owns it; views made by Reshape/Slice do not.
/// </summary>
public sealed class Tensor : IDisposable
{
    readonly MemoryBuffer1D<float, Stride1D.Dense>? owned;

    public ComputeDevice Device { get; }
    public int[] Shape { get; }
    public ArrayView<float> View { get; }
    public int Length => (int)View.Length;

    internal Tensor(ComputeDevice device, MemoryBuffer1D<float, Stride1D.Dense>? owned, ArrayView<float> view, int[] shape)
    {
        Device = device;
        this.owned = owned;
        View = view;
        Shape = shape;
    }

    public int Rank => Shape.Length;
    public int Dim(int axis) => Shape[axis < 0 ? Shape.Length + axis : axis];

    public static int Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d <= 0) throw new ArgumentException($"tensor dimensions must be positive, got ({string.Join(", ", shape.ToArray())})");
            n *= d;
        }
        if (n > int.MaxValue) throw new ArgumentException($"tensor of {n} elements is larger than 2^31 - 1");
        return (int)n;
    }

    /// <summary>The same memory seen with another shape of equal element count.</summary>
    public Tensor Reshape(params int[] shape)
    {
        if (Count(shape) != Length)
            throw new ArgumentException($"cannot reshape ({ShapeText}) to ({string.Join(", ", shape)})");
        return new Tensor(Device, null, View, (int[])shape.Clone());
    }

    /// <summary>Flattens everything after the first axis: (N, ...) to (N, rest).</summary>
    public Tensor Flatten() => Reshape(Shape[0], Length / Shape[0]);

    public string ShapeText => string.Join(", ", Shape);

    public void CopyFrom(ReadOnlySpan<float> data)
    {
        if (data.Length != Length) throw new ArgumentException($"expected {Length} values for ({ShapeText}), got {data.Length}");
        View.SubView(0, Length).CopyFromCPU(Device.Stream, data);
        Device.Stream.Synchronize();
    }

    public void CopyTo(Span<float> data)
    {
        if (data.Length != Length) throw new ArgumentException($"expected room for {Length} values, got {data.Length}");
        Device.Stream.Synchronize();
        View.SubView(0, Length).CopyToCPU(Device.Stream, data);
        Device.Stream.Synchronize();
    }

    public float[] ToArray()
    {
        var a = new float[Length];
        CopyTo(a);
        return a;
    }

    public void Dispose() => owned?.Dispose();

    public override string ToString() => $"Tensor({ShapeText})";
}
