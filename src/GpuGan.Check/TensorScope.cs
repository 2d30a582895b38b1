using GpuGan.Device;

namespace GpuGan.Check;

/// <summary>Tensors of one device run, freed together.</summary>
public sealed class TensorScope : IDisposable
{
    readonly ComputeDevice dev;
    readonly List<Tensor> all = new();

    public TensorScope(ComputeDevice dev) => this.dev = dev;

    public Tensor Up(float[] data, params int[] shape)
    {
        var t = dev.Allocate(shape.Length == 0 ? [data.Length] : shape);
        all.Add(t);
        t.CopyFrom(data);
        return t;
    }

    /// <summary>A tensor of NaN: anything the kernel fails to write stays NaN.</summary>
    public Tensor Poisoned(params int[] shape)
    {
        var t = dev.Allocate(shape);
        all.Add(t);
        var nan = new float[t.Length];
        Array.Fill(nan, float.NaN);
        t.CopyFrom(nan);
        return t;
    }

    public static void Poison(Tensor t)
    {
        var nan = new float[t.Length];
        Array.Fill(nan, float.NaN);
        t.CopyFrom(nan);
    }

    public void Dispose()
    {
        foreach (var t in all) t.Dispose();
    }
}
