using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Device;

/// <summary>
/// A shape over a contiguous float view on one accelerator. Reshape returns a new tensor over the same
/// memory (no copy). The tensor that allocated the buffer owns it; views made by Reshape/Slice do not.
/// Once the owner is disposed, reading the tensor or any view of it (View, CopyFrom, CopyTo, ToArray)
/// throws ObjectDisposedException naming it; Shape and Length stay readable.
/// </summary>
public sealed class Tensor : IDisposable
{
    readonly MemoryBuffer1D<float, Stride1D.Dense>? owned;
    // The tensor that owns the memory (this one for an allocation); its flag is the one View checks.
    readonly Tensor root;
    readonly ArrayView<float> view;
    bool disposed;

    public ComputeDevice Device { get; }
    public int[] Shape { get; }
    public int Length { get; }

    /// <summary>Shown in errors, e.g. when the tensor is read after its buffer was freed; views made by
    /// Reshape take it from the tensor they view.</summary>
    public string? Name { get; set; }

    /// <summary>The device memory. Throws ObjectDisposedException once the owning tensor was disposed.</summary>
    public ArrayView<float> View
    {
        get
        {
            if (root.disposed) ThrowDisposed();
            return view;
        }
    }

    /// <summary>Whether the memory was freed (this tensor, or the one it views, was disposed).</summary>
    public bool IsDisposed => root.disposed;

    internal Tensor(ComputeDevice device, MemoryBuffer1D<float, Stride1D.Dense>? owned, ArrayView<float> view, int[] shape, Tensor? root = null, string? name = null)
    {
        Device = device;
        this.owned = owned;
        this.view = view;
        this.root = root ?? this;
        Length = (int)view.Length;
        Shape = shape;
        Name = name;
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
        return new Tensor(Device, null, View, (int[])shape.Clone(), root, Name);
    }

    /// <summary>Elements [offset, offset + count(shape)) of this tensor's memory seen with <paramref name="shape"/>
    /// (a view: disposing it does nothing, and it is unreadable once the owner is disposed).</summary>
    public Tensor Slice(int offset, params int[] shape)
    {
        int n = Count(shape);
        if (offset < 0 || offset > Length - n)
            throw new ArgumentException($"slice [{offset}, {offset + (long)n}) is outside ({ShapeText}) of {Length} elements");
        return new Tensor(Device, null, View.SubView(offset, n), (int[])shape.Clone(), root, Name);
    }

    /// <summary>Flattens everything after the first axis: (N, ...) to (N, rest).</summary>
    public Tensor Flatten() => Reshape(Shape[0], Length / Shape[0]);

    public string ShapeText => string.Join(", ", Shape);

    public void CopyFrom(ReadOnlySpan<float> data)
    {
        var v = View;
        if (data.Length != Length) throw new ArgumentException($"expected {Length} values for ({ShapeText}), got {data.Length}");
        v.SubView(0, Length).CopyFromCPU(Device.Stream, data);
        Device.Synchronize();
    }

    public void CopyTo(Span<float> data)
    {
        var v = View;
        if (data.Length != Length) throw new ArgumentException($"expected room for {Length} values, got {data.Length}");
        Device.Synchronize();
        v.SubView(0, Length).CopyToCPU(Device.Stream, data);
        Device.Synchronize();
    }

    public float[] ToArray()
    {
        var a = new float[Length];
        CopyTo(a);
        return a;
    }

    /// <summary>Frees the memory when this tensor owns it (every view of it then throws on reading); a view's Dispose does nothing.</summary>
    public void Dispose()
    {
        if (owned == null) return;
        disposed = true;
        owned.Dispose();
    }

    public override string ToString() => Name == null ? $"Tensor({ShapeText})" : $"Tensor({ShapeText}) '{Name}'";

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void ThrowDisposed() => throw new ObjectDisposedException(ToString(),
        $"{this} was read after its memory was freed ({(root == this ? "the tensor was disposed" : $"the tensor it views, {root}, was disposed")})");
}
