using ILGPU;

namespace GpuGan.Kernels;

/// <summary>A per-channel bias with the activation after it fused: the layout and f (Ops builds it).</summary>
public struct BiasActivationParams
{
    public ChannelLayout Layout;
    public ActivationKind Activation;
    /// <summary>LeakyReLU's negative slope (> 0, so its sign can be read from the output).</summary>
    public float Slope;
}

/// <summary>
/// Forward: y[n, c, p] = f(y[n, c, p] + bias[c]) in place, for a (N, C, P) tensor: AddChannelBias and the activation
/// in one launch (conv bias + ReLU/LeakyReLU/Tanh/Sigmoid). Same float operations as the two kernels run apart.
/// </summary>
public static class BiasActivationForward
{
    public static void Kernel(Index1D thread, ArrayView<float> y, ArrayView<float> bias, BiasActivationParams ba, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, y, bias, ba);
    }

    static void At(int i, ArrayView<float> y, ArrayView<float> bias, BiasActivationParams ba)
    {
        int c = (i / ba.Layout.Plane) % ba.Layout.Channels;
        y[i] = ActivationForward.Apply(y[i] + bias[c], ba.Activation, ba.Slope);
    }
}

/// <summary>
/// Backward of y = f(z + bias): g = dy * f'(read from y) written for the weight and data GEMMs, and sums[c] += sum
/// over (n, p) of g[n, c, p] (the bias gradient, accumulated): ActivationBackward and ChannelSum in one launch.
/// y, dy, g: (N, C, P); sums: (C). The sums are added in <see cref="ChannelSum"/>'s order, so the bias gradient is
/// the unfused path's to the bit.
/// </summary>
public static class BiasActivationBackward
{
    /// <summary>CPU accelerator: one thread per channel, summed per image plane then across images.</summary>
    public static void PerThread(Index1D thread, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> g, ArrayView<float> sums,
        BiasActivationParams ba, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int c = range.Start(t); c < end; c++) PerThreadAt(c, y, dy, g, sums, ba);
    }

    static void PerThreadAt(int c, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> g, ArrayView<float> sums, BiasActivationParams ba)
    {
        var l = ba.Layout;
        float total = 0f;
        for (int n = 0; n < l.Batch; n++)
        {
            int o = l.Offset(n, c);
            float plane = 0f;
            for (int p = 0; p < l.Plane; p++)
            {
                float gi = ActivationBackward.Apply(y[o + p], dy[o + p], ba.Activation, ba.Slope);
                g[o + p] = gi;
                plane += gi;
            }
            total += plane;
        }
        sums[c] += total;
    }

    /// <summary>GPU: one group of GroupReduce.GroupSize threads per channel (grid x = channel).</summary>
    public static void PerGroup(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> g, ArrayView<float> sums, BiasActivationParams ba)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.GroupSize);
        var l = ba.Layout;
        int c = Grid.IdxX;
        float partial = 0f;
        for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
        {
            int i = l.Offset(e / l.Plane, c) + e % l.Plane;
            float gi = ActivationBackward.Apply(y[i], dy[i], ba.Activation, ba.Slope);
            g[i] = gi;
            partial += gi;
        }
        float total = GroupReduce.Sum(partial, scratch);
        if (Group.IdxX == 0) sums[c] += total;
    }
}
