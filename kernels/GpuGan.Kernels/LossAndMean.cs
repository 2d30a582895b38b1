using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

/// <summary>
/// A GAN loss term in one launch: each sample's loss value and its gradient with respect to l, then the loss's
/// mean and the mean of sigmoid(l) (PyTorch's D(x) / D(G(z)) figures). logits: (N); targets: (N) read only with
/// p.PerSampleTargets = 1; loss: (N) written; grad: (N) written, already scaled for the mean reduction (p.GradScale);
/// stats[p.StatsOffset] = mean loss, stats[p.StatsOffset + 1] = mean sigmoid(l). Batches are small (N up to about
/// a thousand), so a single thread or a single group covers them; both sum in a fixed order (deterministic).
/// </summary>
public static class LossAndMean
{
    /// <summary>CPU: launched as one thread, which sums in index order (the order of the former LossMean kernel).</summary>
    public static void PerThread(Index1D thread, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad,
        ArrayView<float> stats, LossParams p)
    {
        float sumLoss = 0f, sumProb = 0f;
        for (int i = 0; i < p.Count; i++)
        {
            sumLoss += At(i, logits, targets, loss, grad, p);
            sumProb += Sigmoid(logits[i]);
        }
        WriteMeans(stats, sumLoss, sumProb, p);
    }

    /// <summary>GPU: launched as one group of GroupReduce.GroupSize threads; thread t takes samples t, t + 256, ...
    /// and the partial sums meet in GroupReduce's fixed tree.</summary>
    public static void PerGroup(ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad,
        ArrayView<float> stats, LossParams p)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.GroupSize);
        float partialLoss = 0f, partialProb = 0f;
        for (int i = Group.IdxX; i < p.Count; i += Group.DimX)
        {
            partialLoss += At(i, logits, targets, loss, grad, p);
            partialProb += Sigmoid(logits[i]);
        }
        float sumLoss = GroupReduce.Sum(partialLoss, scratch);
        float sumProb = GroupReduce.Sum(partialProb, scratch);
        if (Group.IdxX == 0) WriteMeans(stats, sumLoss, sumProb, p);
    }

    static void WriteMeans(ArrayView<float> stats, float sumLoss, float sumProb, LossParams p)
    {
        stats[p.StatsOffset] = sumLoss / p.Count;
        stats[p.StatsOffset + 1] = sumProb / p.Count;
    }

    // Writes sample i's loss and scaled gradient and returns the loss, for the caller's sum.
    static float At(int i, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad, LossParams p)
    {
        float l = logits[i];
        float t = p.PerSampleTargets != 0 ? targets[i] : p.Target;
        float value, d;
        switch (p.Kind)
        {
            case LossKind.BceWithLogits:
                value = XMath.Max(l, 0f) - l * t + Softplus(-XMath.Abs(l));
                d = Sigmoid(l) - t;
                break;
            case LossKind.LogOneMinusSigmoid:
                value = -(XMath.Max(l, 0f) + Softplus(-XMath.Abs(l)));
                d = -Sigmoid(l);
                break;
            case LossKind.SquaredError:
                value = (l - t) * (l - t);
                d = 2f * (l - t);
                break;
            case LossKind.Hinge:
                float h = 1f + t * l;
                value = h > 0f ? h : 0f;
                d = h > 0f ? t : 0f;
                break;
            default:
                value = t * l;
                d = t;
                break;
        }
        loss[i] = value;
        grad[i] = p.GradScale * d;
        return value;
    }

    // log(1 + exp(z)) for z <= 0: never overflows. Below z ~ -17 it rounds to 0 in float32 (absolute error < 1e-7).
    static float Softplus(float z) => XMath.Log(1f + XMath.Exp(z));

    static float Sigmoid(float l) => l >= 0f ? 1f / (1f + XMath.Exp(-l)) : XMath.Exp(l) / (1f + XMath.Exp(l));
}
