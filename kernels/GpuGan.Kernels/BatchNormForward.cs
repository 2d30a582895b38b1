using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

/// <summary>
/// BatchNorm forward in one launch, a channel at a time: its statistics, then y = f(gamma[c] * (x - mean[c]) *
/// invStd[c] + beta[c]) over the channel, f the fused activation (bn.Activation). Training: mean and biased variance
/// of the batch (two passes, mean then squared deviations, for accuracy), running averages updated with the
/// unbiased variance (PyTorch's convention); evaluation: the running statistics. x, y: (N, C, P); mean, invStd: (C)
/// written for the backward pass; runningMean, runningVar: (C), updated in place in training.
/// </summary>
public static class BatchNormForward
{
    /// <summary>CPU: one thread per channel (range over C), sums per image plane then across images.</summary>
    public static void PerThread(Index1D thread, ArrayView<float> x, ArrayView<float> y, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int c = range.Start(t); c < end; c++) PerThreadAt(c, x, y, gamma, beta, mean, invStd, runningMean, runningVar, bn);
    }

    static void PerThreadAt(int c, ArrayView<float> x, ArrayView<float> y, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn)
    {
        var l = bn.Layout;
        float m, s;
        if (bn.Training != 0)
        {
            float sum = 0f;
            for (int n = 0; n < l.Batch; n++)
            {
                int o = l.Offset(n, c);
                float plane = 0f;
                for (int p = 0; p < l.Plane; p++) plane += x[o + p];
                sum += plane;
            }
            m = sum / l.PerChannel;
            float sq = 0f;
            for (int n = 0; n < l.Batch; n++)
            {
                int o = l.Offset(n, c);
                float plane = 0f;
                for (int p = 0; p < l.Plane; p++) { float d = x[o + p] - m; plane += d * d; }
                sq += plane;
            }
            s = InvStd(sq, bn);
            UpdateRunning(c, m, sq, runningMean, runningVar, bn);
        }
        else s = RunningStatistics(c, runningMean, runningVar, bn, out m);
        mean[c] = m;
        invStd[c] = s;
        float gc = gamma[c], bc = beta[c];
        for (int n = 0; n < l.Batch; n++)
        {
            int o = l.Offset(n, c);
            for (int p = 0; p < l.Plane; p++) y[o + p] = Apply(x[o + p], m, s, gc, bc, bn);
        }
    }

    /// <summary>GPU: one group of GroupReduce.GroupSize threads per channel (grid x = channel), reducing through shared memory.</summary>
    public static void PerGroup(ArrayView<float> x, ArrayView<float> y, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.GroupSize);
        var l = bn.Layout;
        int c = Grid.IdxX;
        float m, s;
        // bn.Training is the same for the whole group: every thread reaches the barriers of GroupReduce.
        if (bn.Training != 0)
        {
            float partial = 0f;
            for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
                partial += x[l.Offset(e / l.Plane, c) + e % l.Plane];
            m = GroupReduce.Sum(partial, scratch) / l.PerChannel;
            partial = 0f;
            for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
            {
                float d = x[l.Offset(e / l.Plane, c) + e % l.Plane] - m;
                partial += d * d;
            }
            float sq = GroupReduce.Sum(partial, scratch);
            // every thread derives the same invStd from the broadcast sums; one updates the running statistics
            s = InvStd(sq, bn);
            if (Group.IdxX == 0) UpdateRunning(c, m, sq, runningMean, runningVar, bn);
        }
        else s = RunningStatistics(c, runningMean, runningVar, bn, out m);
        if (Group.IdxX == 0)
        {
            mean[c] = m;
            invStd[c] = s;
        }
        float gc = gamma[c], bc = beta[c];
        for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
        {
            int i = l.Offset(e / l.Plane, c) + e % l.Plane;
            y[i] = Apply(x[i], m, s, gc, bc, bn);
        }
    }

    static float Apply(float x, float m, float s, float gamma, float beta, BatchNormParams bn) =>
        ActivationForward.Apply(gamma * ((x - m) * s) + beta, bn.Activation, bn.Slope);

    /// <summary>1 / sqrt(biased batch variance + eps) from the sum of squared deviations.</summary>
    static float InvStd(float sumSq, BatchNormParams bn) => XMath.Rsqrt(sumSq / bn.Layout.PerChannel + bn.Eps);

    /// <summary>Running statistics toward the batch's mean m and unbiased variance.</summary>
    static void UpdateRunning(int c, float m, float sumSq, ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn)
    {
        int count = bn.Layout.PerChannel;
        float unbiasedVar = count > 1 ? sumSq / (count - 1) : sumSq / count;
        runningMean[c] = (1f - bn.Momentum) * runningMean[c] + bn.Momentum * m;
        runningVar[c] = (1f - bn.Momentum) * runningVar[c] + bn.Momentum * unbiasedVar;
    }

    /// <summary>Evaluation: the running mean (out) and the invStd of the running variance.</summary>
    static float RunningStatistics(int c, ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn, out float m)
    {
        m = runningMean[c];
        return XMath.Rsqrt(runningVar[c] + bn.Eps);
    }
}
