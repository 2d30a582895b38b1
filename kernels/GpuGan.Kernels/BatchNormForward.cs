using ILGPU;

namespace GpuGan.Kernels;

/// <summary>y = gamma[c] * (x - mean[c]) * invStd[c] + beta[c]; x, y: (N, C, P).</summary>
public static class BatchNormForward
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mean,
        ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> beta, ChannelLayout l, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, x, y, mean, invStd, gamma, beta, l);
    }

    static void At(int index, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mean,
        ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> beta, ChannelLayout l)
    {
        int c = (index / l.Plane) % l.Channels;
        y[index] = gamma[c] * ((x[index] - mean[c]) * invStd[c]) + beta[c];
    }
}
