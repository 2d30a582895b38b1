using ILGPU;

namespace GpuGan.Kernels;

/// <summary>x[i] = value: zeroing gradients and poisoning outputs in tests.</summary>
public static class Fill
{
    public static void Kernel(Index1D thread, ArrayView<float> x, float value, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) x[i] = value;
    }
}

/// <summary>y[i] = x[i] (copies between views of different buffers).</summary>
public static class Copy
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) y[i] = x[i];
    }
}
