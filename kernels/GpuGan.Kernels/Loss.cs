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
    /// <summary>Samples N: the length of logits, loss and grad (and targets when read).</summary>
    public int Count;
    /// <summary>Where the statistics go: stats[StatsOffset] = mean loss, stats[StatsOffset + 1] = mean sigmoid(l).</summary>
    public int StatsOffset;
}
