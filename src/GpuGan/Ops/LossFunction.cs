namespace GpuGan.Ops;

/// <summary>The per-sample loss terms on D's raw output l, as losses and callers name them; Ops maps them to the kernels' enum.</summary>
public enum LossFunction
{
    /// <summary>Binary cross-entropy on logits with target t.</summary>
    BceWithLogits,
    /// <summary>log(1 - sigmoid(l)), the original minimax generator term.</summary>
    LogOneMinusSigmoid,
    /// <summary>(l - t)^2, gradient 2(l - t): PyTorch's MSELoss term (LSGAN).</summary>
    SquaredError,
    /// <summary>relu(1 + s*l) with sign s.</summary>
    Hinge,
    /// <summary>s*l with sign s (Wasserstein, hinge generator).</summary>
    Linear,
}
