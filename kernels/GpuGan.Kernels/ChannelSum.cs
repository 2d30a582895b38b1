using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// sums[c] += sum over (n, p) of x[n, c, p]: the bias gradient of conv and linear layers (accumulated,
/// as parameter gradients are until the optimizer zeroes them).
/// </summary>
public static class ChannelSum
{
    /// <summary>CPU accelerator: one thread per channel, summed per image plane then across images.</summary>
    public static void PerThread(Index1D thread, ArrayView<float> x, ArrayView<float> sums, ChannelLayout l, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) PerThreadAt(i, x, sums, l);
    }

    static void PerThreadAt(int c, ArrayView<float> x, ArrayView<float> sums, ChannelLayout l)
    {
        float total = 0f;
        for (int n = 0; n < l.Batch; n++)
        {
            int o = l.Offset(n, c);
            float plane = 0f;
            for (int p = 0; p < l.Plane; p++) plane += x[o + p];
            total += plane;
        }
        sums[c] += total;
    }

    /// <summary>GPU: one group of GroupReduce.GroupSize threads per channel (grid x = channel).</summary>
    public static void PerGroup(ArrayView<float> x, ArrayView<float> sums, ChannelLayout l)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.GroupSize);
        int c = Grid.IdxX;
        float partial = 0f;
        for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
            partial += x[l.Offset(e / l.Plane, c) + e % l.Plane];
        float total = GroupReduce.Sum(partial, scratch);
        if (Group.IdxX == 0) sums[c] += total;
    }
}
