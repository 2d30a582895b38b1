using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

/// <summary>
/// Per-channel batch statistics for BatchNorm in training: mean and biased variance (normalisation),
/// running averages updated with the unbiased variance (PyTorch's convention). Two passes over the data
/// (mean, then squared deviations) for accuracy.
/// mean, invStd: (C) written; runningMean, runningVar: (C) updated in place.
/// </summary>
public static class BatchNormStatistics
{
    public static void PerThread(Index1D thread, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) PerThreadAt(i, x, mean, invStd, runningMean, runningVar, bn);
    }

    static void PerThreadAt(int c, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> invStd, ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn)
    {
        var l = bn.Layout;
        float sum = 0f;
        for (int n = 0; n < l.Batch; n++)
        {
            int o = l.Offset(n, c);
            float plane = 0f;
            for (int p = 0; p < l.Plane; p++) plane += x[o + p];
            sum += plane;
        }
        float m = sum / l.PerChannel;
        float sq = 0f;
        for (int n = 0; n < l.Batch; n++)
        {
            int o = l.Offset(n, c);
            float plane = 0f;
            for (int p = 0; p < l.Plane; p++) { float d = x[o + p] - m; plane += d * d; }
            sq += plane;
        }
        Finish(c, m, sq, mean, invStd, runningMean, runningVar, bn);
    }

    /// <summary>GPU: one group of GroupReduce.GroupSize threads per channel (grid x = channel).</summary>
    public static void PerGroup(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.GroupSize);
        var l = bn.Layout;
        int c = Grid.IdxX;
        float partial = 0f;
        for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
            partial += x[l.Offset(e / l.Plane, c) + e % l.Plane];
        float m = GroupReduce.Sum(partial, scratch) / l.PerChannel;
        partial = 0f;
        for (int e = Group.IdxX; e < l.PerChannel; e += Group.DimX)
        {
            float d = x[l.Offset(e / l.Plane, c) + e % l.Plane] - m;
            partial += d * d;
        }
        float sq = GroupReduce.Sum(partial, scratch);
        if (Group.IdxX == 0) Finish(c, m, sq, mean, invStd, runningMean, runningVar, bn);
    }

    static void Finish(int c, float m, float sumSq, ArrayView<float> mean, ArrayView<float> invStd,
        ArrayView<float> runningMean, ArrayView<float> runningVar, BatchNormParams bn)
    {
        int count = bn.Layout.PerChannel;
        float biasedVar = sumSq / count;
        mean[c] = m;
        invStd[c] = XMath.Rsqrt(biasedVar + bn.Eps);
        float unbiasedVar = count > 1 ? sumSq / (count - 1) : biasedVar;
        runningMean[c] = (1f - bn.Momentum) * runningMean[c] + bn.Momentum * m;
        runningVar[c] = (1f - bn.Momentum) * runningVar[c] + bn.Momentum * unbiasedVar;
    }
}

/// <summary>Evaluation mode: the normalisation statistics are the running ones. mean, invStd: (C).</summary>
public static class BatchNormRunningStatistics
{
    public static void Kernel(Index1D c, ArrayView<float> runningMean, ArrayView<float> runningVar,
        ArrayView<float> mean, ArrayView<float> invStd, float eps)
    {
        mean[c] = runningMean[c];
        invStd[c] = XMath.Rsqrt(runningVar[c] + eps);
    }
}
