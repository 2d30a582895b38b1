using ILGPU;

namespace GpuGan.Kernels;

/// <summary>y[n, c, p] += bias[c] for a (N, C, P) tensor (conv and linear bias, in place).</summary>
public static class AddChannelBias
{
    public static void Kernel(Index1D thread, ArrayView<float> y, ArrayView<float> bias, int channels, int plane, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, y, bias, channels, plane);
    }

    static void At(int index, ArrayView<float> y, ArrayView<float> bias, int channels, int plane)
    {
        int c = (index / plane) % channels;
        y[index] += bias[c];
    }
}
