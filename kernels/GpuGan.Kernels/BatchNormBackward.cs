using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// BatchNorm backward in one launch, a channel at a time. First the sums sumDy = sum g and sumDyXhat = sum g * xhat
/// (xhat recomputed from x, mean, invStd; g = dy * f'(read from y) for a fused activation, dy itself without one,
/// <see cref="BatchNormParams.PreActivationGrad"/>), kept in sums[c] and sums[C + c] and accumulated into the
/// parameter gradients: dGamma[c] += sumDyXhat, dBeta[c] += sumDy. Then, when bn.InputGradient, the input gradient
/// over the channel (written, not accumulated): training dx = gamma*invStd*(g - (sumDy + xhat*sumDyXhat)/count),
/// evaluation dx = gamma*invStd*g. x, y, dy, dx: (N, C, P).
/// </summary>
public static class BatchNormBackward
{
    /// <summary>CPU: one thread per channel (range over C), sums per image plane then across images.</summary>
    public static void PerThread(Index1D thread, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> gamma,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormParams bn, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int c = range.Start(t); c < end; c++) PerThreadAt(c, x, y, dy, dx, gamma, mean, invStd, sums, dGamma, dBeta, bn);
    }

    static void PerThreadAt(int c, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> gamma,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormParams bn)
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
        if (bn.InputGradient == 0) return;
        float gs = gamma[c] * s;
        for (int n = 0; n < l.Batch; n++)
        {
            int o = l.Offset(n, c);
            for (int p = 0; p < l.Plane; p++) dx[o + p] = InputGrad(o + p, x, y, dy, m, s, gs, sumDy, sumDyXhat, bn);
        }
    }

    /// <summary>GPU: one group of GroupReduce.GroupSize threads per channel (grid x = channel), reducing through shared memory.</summary>
    public static void PerGroup(ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> gamma,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> sums, ArrayView<float> dGamma, ArrayView<float> dBeta, BatchNormParams bn)
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
        // the sums reach every thread of the group: each writes its own part of dx with them
        float sumDy = GroupReduce.Sum(a, scratch);
        float sumDyXhat = GroupReduce.Sum(b, scratch);
        if (Group.IdxX == 0) Finish(c, sumDy, sumDyXhat, sums, dGamma, dBeta, l);
        if (bn.InputGradient == 0) return;
        float gs = gamma[c] * s;
        for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
        {
            int i = l.Offset(e / l.Plane, c) + e % l.Plane;
            dx[i] = InputGrad(i, x, y, dy, m, s, gs, sumDy, sumDyXhat, bn);
        }
    }

    static void Finish(int c, float sumDy, float sumDyXhat, ArrayView<float> sums, ArrayView<float> dGamma,
        ArrayView<float> dBeta, ChannelLayout l)
    {
        sums[c] = sumDy;
        sums[l.Channels + c] = sumDyXhat;
        dGamma[c] += sumDyXhat;
        dBeta[c] += sumDy;
    }

    // gs = gamma[c] * invStd[c]
    static float InputGrad(int i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, float m, float s, float gs,
        float sumDy, float sumDyXhat, BatchNormParams bn)
    {
        float g = bn.PreActivationGrad(y, dy, i);
        if (bn.Training != 0)
        {
            float xhat = (x[i] - m) * s;
            g -= (sumDy + xhat * sumDyXhat) / bn.Layout.PerChannel;
        }
        return gs * g;
    }
}
