using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

/// <summary>Per-sample GAN loss terms on D's raw output l (a logit for the BCE family).</summary>
public enum LossKind
{
    /// <summary>Binary cross-entropy on logits with target t, stable form: max(l,0) - l*t + log(1 + exp(-|l|)).</summary>
    BceWithLogits = 0,
    /// <summary>The original minimax generator term log(1 - sigmoid(l)) = -softplus(l) (G minimises it).</summary>
    LogOneMinusSigmoid = 1,
    /// <summary>Least squares (LSGAN), PyTorch's MSELoss term: (l - t)^2, gradient 2(l - t).</summary>
    SquaredError = 2,
    /// <summary>Hinge: relu(1 + s*l); D uses s = -1 on real, s = +1 on fake.</summary>
    Hinge = 3,
    /// <summary>Linear s*l: Wasserstein critic and generator, and the hinge generator.</summary>
    Linear = 4,
}

public struct LossParams
{
    public LossKind Kind;
    /// <summary>Target t (BCE, least squares) or sign s (hinge, linear); unused where PerSampleTargets is 1.</summary>
    public float Target;
    /// <summary>Multiplies the gradient: 1/N for mean reduction, times the caller's loss weight.</summary>
    public float GradScale;
    /// <summary>1: sample i's target is targets[i] (BCE, least squares: soft or noisy labels); 0: every sample
    /// uses Target and the targets view is never read (callers pass any valid view, e.g. the logits).</summary>
    public int PerSampleTargets;
}

/// <summary>
/// Per-sample loss value and its gradient with respect to l. targets: (N) read only with p.PerSampleTargets = 1;
/// loss: (N) written; grad: (N) written, already scaled for the mean reduction.
/// </summary>
public static class LossElementwise
{
    public static void Kernel(Index1D thread, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad, LossParams p, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, logits, targets, loss, grad, p);
    }

    static void At(int i, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad, LossParams p)
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
    }

    // log(1 + exp(z)) for z <= 0: never overflows. Below z ~ -17 it rounds to 0 in float32 (absolute error < 1e-7).
    static float Softplus(float z) => XMath.Log(1f + XMath.Exp(z));

    static float Sigmoid(float l) => l >= 0f ? 1f / (1f + XMath.Exp(-l)) : XMath.Exp(l) / (1f + XMath.Exp(l));
}

/// <summary>
/// The loss's mean and the mean of sigmoid(l) (PyTorch's D(x) / D(G(z)) figures), summed by one thread in
/// index order: the batch is small and a single ordered sum keeps it deterministic on every backend.
/// stats[offset] = mean loss, stats[offset + 1] = mean sigmoid(l).
/// </summary>
public static class LossMean
{
    public static void Kernel(Index1D index, ArrayView<float> loss, ArrayView<float> logits, ArrayView<float> stats, int count, int offset)
    {
        float sumLoss = 0f, sumProb = 0f;
        for (int i = 0; i < count; i++)
        {
            sumLoss += loss[i];
            float l = logits[i];
            sumProb += l >= 0f ? 1f / (1f + XMath.Exp(-l)) : XMath.Exp(l) / (1f + XMath.Exp(l));
        }
        stats[offset] = sumLoss / count;
        stats[offset + 1] = sumProb / count;
    }
}
