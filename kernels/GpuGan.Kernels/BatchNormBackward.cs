using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// BatchNorm backward, step 1: per channel sumDy = sum g and sumDyXhat = sum g * xhat (xhat recomputed
/// from x, mean, invStd), kept in sums[c] and sums[C + c] for step 2, and accumulated into the parameter
/// gradients: dGamma[c] += sumDyXhat, dBeta[c] += sumDy. g = dy * f'(from y) for a fused activation
/// (<see cref="BatchNormParams.PreActivationGrad"/>), dy itself without one.
/// </summary>
public static class BatchNormBackwardSums
{
    public static void PerThread(Index1D thread, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormParams bn, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) PerThreadAt(i, x, y, dy, mean, invStd, sums, dGamma, dBeta, bn);
    }

    static void PerThreadAt(int c, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormParams bn)
    {
        var l = bn.Layout;
        float m = mean[c], s = invStd[c];
        float sumDy = 0f, sumDyXhat = 0f;
        for (int n = 0; n < l.Batch; n++)
        {
            int o = l.Offset(n, c);
            float a = 0f, b = 0f;
            for (int p = 0; p < l.Plane; p++)
            {
                float g = bn.PreActivationGrad(y, dy, o + p);
                a += g;
                b += g * ((x[o + p] - m) * s);
            }
            sumDy += a;
            sumDyXhat += b;
        }
        Finish(c, sumDy, sumDyXhat, sums, dGamma, dBeta, l);
    }

    /// <summary>GPU: one group of GroupReduce.GroupSize threads per channel (grid x = channel).</summary>
    public static void PerGroup(ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> mean,
        ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormParams bn)
    {
        var l = bn.Layout;
        var scratch = SharedMemory.Allocate<float>(GroupReduce.GroupSize);
        int c = Grid.IdxX;
        float m = mean[c], s = invStd[c];
        float a = 0f, b = 0f;
        for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
        {
            int i = l.Offset(e / l.Plane, c) + e % l.Plane;
            float g = bn.PreActivationGrad(y, dy, i);
            a += g;
            b += g * ((x[i] - m) * s);
        }
        float sumDy = GroupReduce.Sum(a, scratch);
        float sumDyXhat = GroupReduce.Sum(b, scratch);
        if (Group.IdxX == 0) Finish(c, sumDy, sumDyXhat, sums, dGamma, dBeta, l);
    }

    static void Finish(int c, float sumDy, float sumDyXhat, ArrayView<float> sums, ArrayView<float> dGamma,
        ArrayView<float> dBeta, ChannelLayout l)
    {
        sums[c] = sumDy;
        sums[l.Channels + c] = sumDyXhat;
        dGamma[c] += sumDyXhat;
        dBeta[c] += sumDy;
    }
}

/// <summary>
/// BatchNorm backward, step 2 (elementwise): the input gradient (written, not accumulated).
/// Training: dx = gamma*invStd*(g - (sumDy + xhat*sumDyXhat)/count); evaluation: dx = gamma*invStd*g, with g
/// as in step 1 (dy through the fused activation's derivative).
/// </summary>
public static class BatchNormBackwardInput
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> sums, BatchNormParams bn, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, x, y, dy, dx, mean, invStd, gamma, sums, bn);
    }

    static void At(int index, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> gamma, ArrayView<float> sums, BatchNormParams bn)
    {
        var l = bn.Layout;
        int c = (index / l.Plane) % l.Channels;
        float s = invStd[c];
        float g = bn.PreActivationGrad(y, dy, index);
        if (bn.Training != 0)
        {
            float xhat = (x[index] - mean[c]) * s;
            g -= (sums[c] + xhat * sums[l.Channels + c]) / l.PerChannel;
        }
        dx[index] = gamma[c] * s * g;
    }
}
