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

/// <summary>
/// flag[0] |= bit when any x[i] is NaN or infinite (x - x is 0 only for finite x). One atomic OR per thread that
/// found one; OR is order-independent, so the flag is deterministic.
/// </summary>
public static class NonFiniteFlag
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<int> flag, int bit, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        bool bad = false;
        for (int i = range.Start(t); i < end; i++)
        {
            float v = x[i];
            if (!(v - v == 0f)) bad = true;
        }
        if (bad) Atomic.Or(ref flag[0], bit);
    }
}
