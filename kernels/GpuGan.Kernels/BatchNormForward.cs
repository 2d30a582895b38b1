using ILGPU;

namespace GpuGan.Kernels;

/// <summary>y = f(gamma[c] * (x - mean[c]) * invStd[c] + beta[c]), f the fused activation (bn.Activation); x, y: (N, C, P).</summary>
public static class BatchNormForward
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mean,
        ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> beta, BatchNormParams bn, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, x, y, mean, invStd, gamma, beta, bn);
    }

    static void At(int index, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mean,
        ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> beta, BatchNormParams bn)
    {
        var l = bn.Layout;
        int c = (index / l.Plane) % l.Channels;
        y[index] = ActivationForward.Apply(gamma[c] * ((x[index] - mean[c]) * invStd[c]) + beta[c], bn.Activation, bn.Slope);
    }
}
