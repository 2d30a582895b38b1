using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Losses;

public enum GanLossKind
{
    /// <summary>BCE: L_D = -E[log D(x)] - E[log(1 - D(G(z)))], non-saturating L_G = -E[log D(G(z))] (PyTorch's
    /// BCEWithLogitsLoss with targets RealTarget, FakeTarget and GeneratorTarget: 1, 0, 1 by default).</summary>
    Bce,
    /// <summary>BCE for D, the original minimax L_G = E[log(1 - D(G(z)))] (no target).</summary>
    Minimax,
    /// <summary>Least squares as PyTorch's MSELoss: L_D = E[(D(x)-1)²] + E[D(G(z))²], L_G = E[(D(G(z))-1)²]
    /// (targets RealTarget, FakeTarget, GeneratorTarget); gradient 2(l-t)/N. Before loss convention 1 GpuGan used
    /// ½(l-t)², half of it (<see cref="GanLoss.Convention"/>).</summary>
    Lsgan,
    /// <summary>Hinge: L_D = E[relu(1 - D(x))] + E[relu(1 + D(G(z)))], L_G = -E[D(G(z))] (no targets).</summary>
    Hinge,
    /// <summary>Wasserstein: L_D = E[D(G(z))] - E[D(x)], L_G = -E[D(G(z))] (with weight clipping; no targets).</summary>
    Wgan,
}

/// <summary>
/// The GAN losses on D's raw outputs (logits): each term (D on real, D on fake, G) writes dL/dlogits (mean
/// reduction) into buffers of its own, and the loss mean and the mean of sigmoid(logit) into a small device
/// stats buffer, read only when the trainer logs: (0,1) D on real, (2,3) D on fake, (4,5) G.
/// </summary>
/// <remarks>
/// A term's returned gradient stays valid until the next call of the same term (either overload): that call
/// overwrites it when the batch size is the same, and frees it when it differs, after which reading the earlier
/// tensor throws <see cref="ObjectDisposedException"/>. The other terms never touch it. Dispose frees them all.
/// </remarks>
public sealed class GanLoss : IDisposable
{
    /// <summary>The loss convention checkpoints record (TrainState.LossConvention): 1 since LSGAN's term is
    /// PyTorch's MSELoss (l-t)²; 0, in checkpoints without the field, was ½(l-t)² (half the gradient).</summary>
    public const int Convention = 1;

    readonly ComputeDevice device;
    readonly Tensor stats;
    readonly float[] hostStats = new float[6];
    readonly TermBuffers real = new("GanLoss.DiscriminatorReal"), fake = new("GanLoss.DiscriminatorFake"), gen = new("GanLoss.Generator");
    float realTarget = 1f, fakeTarget, generatorTarget = 1f;

    public GanLoss(ComputeDevice device, GanLossKind kind)
    {
        this.device = device;
        Kind = kind;
        stats = device.Allocate(6);
        stats.Name = "GanLoss stats";
        ElementwiseOps.Fill(device, stats.View, 6, 0f);
    }

    public GanLossKind Kind { get; }

    /// <summary>D's target for real samples with Bce, Minimax and Lsgan: 1 by default; e.g. 0.9 is one-sided label
    /// smoothing (TrainOptions.LabelSmoothing). Hinge and Wgan have no target: setting another value than 1 throws.</summary>
    public float RealTarget
    {
        get => realTarget;
        set => realTarget = CheckTarget(value, 1f, nameof(RealTarget), HasDiscriminatorTargets);
    }

    /// <summary>D's target for generated samples with Bce, Minimax and Lsgan: 0 by default (e.g. 0.1: two-sided
    /// smoothing). Hinge and Wgan have no target: setting another value than 0 throws.</summary>
    public float FakeTarget
    {
        get => fakeTarget;
        set => fakeTarget = CheckTarget(value, 0f, nameof(FakeTarget), HasDiscriminatorTargets);
    }

    /// <summary>G's target for its samples with Bce (non-saturating) and Lsgan: 1 by default. Minimax's
    /// log(1 - sigmoid(l)), Hinge and Wgan have no target: setting another value than 1 throws.</summary>
    public float GeneratorTarget
    {
        get => generatorTarget;
        set => generatorTarget = CheckTarget(value, 1f, nameof(GeneratorTarget), HasGeneratorTarget);
    }

    bool HasDiscriminatorTargets => Kind is GanLossKind.Bce or GanLossKind.Minimax or GanLossKind.Lsgan;
    bool HasGeneratorTarget => Kind is GanLossKind.Bce or GanLossKind.Lsgan;

    float CheckTarget(float value, float plain, string property, bool hasTarget)
    {
        if (!float.IsFinite(value)) throw new ArgumentOutOfRangeException(property, value, $"GanLoss.{property} must be a finite number");
        if (!hasTarget && value != plain) throw new ArgumentException(NoTarget(property), property);
        return value;
    }

    string NoTarget(string what) => Kind == GanLossKind.Minimax
        ? $"GanLoss.{what}: the minimax generator term log(1 - sigmoid(l)) has no target (G's target is for bce and lsgan)"
        : $"GanLoss.{what}: the {Kind.ToString().ToLowerInvariant()} loss has no targets (they are for bce, minimax and lsgan)";

    public static GanLossKind Parse(string text) => text.ToLowerInvariant() switch
    {
        "bce" or "nonsaturating" or "ns" => GanLossKind.Bce,
        "minimax" => GanLossKind.Minimax,
        "lsgan" or "ls" => GanLossKind.Lsgan,
        "hinge" => GanLossKind.Hinge,
        "wgan" or "wasserstein" => GanLossKind.Wgan,
        _ => throw new ArgumentException($"--loss '{text}': expected bce, minimax, lsgan, hinge or wgan"),
    };

    LossFunction RealTerm => Kind switch
    {
        GanLossKind.Bce or GanLossKind.Minimax => LossFunction.BceWithLogits,
        GanLossKind.Lsgan => LossFunction.SquaredError,
        GanLossKind.Hinge => LossFunction.Hinge,
        _ => LossFunction.Linear,
    };

    LossFunction FakeTerm => RealTerm;

    LossFunction GeneratorTerm => Kind switch
    {
        GanLossKind.Bce => LossFunction.BceWithLogits,
        GanLossKind.Minimax => LossFunction.LogOneMinusSigmoid,
        GanLossKind.Lsgan => LossFunction.SquaredError,
        _ => LossFunction.Linear,
    };

    /// <summary>D's term on real samples with target <see cref="RealTarget"/> (hinge: relu(1 - l), wgan: -l).
    /// Returns dL/dlogits shaped like logits, valid until the next DiscriminatorReal call (see the class remarks).</summary>
    public Tensor DiscriminatorReal(Tensor logits) =>
        Run(real, logits, 0, RealTerm, Kind switch { GanLossKind.Hinge or GanLossKind.Wgan => -1f, _ => realTarget }, null);

    /// <summary>D's term on real samples with sample i's target targets[i] (N values, e.g. noisy labels the caller
    /// draws; Bce, Minimax and Lsgan only). Returns dL/dlogits, valid until the next DiscriminatorReal call.</summary>
    public Tensor DiscriminatorReal(Tensor logits, Tensor targets) =>
        Run(real, logits, 0, RealTerm, 0f, Targets(logits, targets, "DiscriminatorReal", HasDiscriminatorTargets));

    /// <summary>D's term on generated samples with target <see cref="FakeTarget"/> (hinge: relu(1 + l), wgan: l).
    /// Returns dL/dlogits shaped like logits, valid until the next DiscriminatorFake call (see the class remarks).</summary>
    public Tensor DiscriminatorFake(Tensor logits) =>
        Run(fake, logits, 2, FakeTerm, Kind switch { GanLossKind.Hinge or GanLossKind.Wgan => 1f, _ => fakeTarget }, null);

    /// <summary>D's term on generated samples with sample i's target targets[i] (N values; Bce, Minimax and Lsgan
    /// only). Returns dL/dlogits, valid until the next DiscriminatorFake call.</summary>
    public Tensor DiscriminatorFake(Tensor logits, Tensor targets) =>
        Run(fake, logits, 2, FakeTerm, 0f, Targets(logits, targets, "DiscriminatorFake", HasDiscriminatorTargets));

    /// <summary>G's loss on D(G(z)) with target <see cref="GeneratorTarget"/> (minimax: log(1 - sigmoid(l)), hinge
    /// and wgan: -l). Returns dL/dlogits shaped like logits, valid until the next Generator call (see the class remarks).</summary>
    public Tensor Generator(Tensor logits) =>
        Run(gen, logits, 4, GeneratorTerm, Kind switch { GanLossKind.Minimax => 0f, GanLossKind.Hinge or GanLossKind.Wgan => -1f, _ => generatorTarget }, null);

    /// <summary>G's loss on D(G(z)) with sample i's target targets[i] (N values; Bce and Lsgan only). Returns
    /// dL/dlogits, valid until the next Generator call.</summary>
    public Tensor Generator(Tensor logits, Tensor targets) =>
        Run(gen, logits, 4, GeneratorTerm, 0f, Targets(logits, targets, "Generator", HasGeneratorTarget));

    Tensor Targets(Tensor logits, Tensor targets, string term, bool hasTarget)
    {
        if (!hasTarget) throw new ArgumentException(NoTarget(term), nameof(targets));
        if (targets.Length != logits.Length)
            throw new ArgumentException($"GanLoss.{term}: {targets.Length} targets for {logits.Length} logits ({logits.ShapeText}): give one per sample", nameof(targets));
        return targets;
    }

    Tensor Run(TermBuffers b, Tensor logits, int offset, LossFunction f, float target, Tensor? targets)
    {
        int n = logits.Length;
        if (b.Grad == null || b.Grad.Length != n)
        {
            b.Loss?.Dispose();
            b.Grad?.Dispose();
            b.Loss = device.Allocate(n);
            b.Loss.Name = b.Term + " per-sample loss";
            b.Grad = device.Allocate(n);
            b.Grad.Name = b.Term + " dL/dlogits";
        }
        if (targets != null)
            LossOps.Compute(device, logits.View, targets.View, b.Loss!.View, b.Grad.View, stats.View, offset, n, f, 1f / n);
        else
            LossOps.Compute(device, logits.View, b.Loss!.View, b.Grad.View, stats.View, offset, n, f, target, 1f / n);
        return b.Grad.Reshape(logits.Shape);
    }

    /// <summary>Copies the six figures to the host (synchronises the device).</summary>
    public LossStats ReadStats()
    {
        var s = hostStats;
        stats.CopyTo(s);
        return new LossStats(s[0], s[1], s[2], s[3], s[4], s[5]);
    }

    public void Dispose()
    {
        stats.Dispose();
        foreach (var b in new[] { real, fake, gen })
        {
            b.Loss?.Dispose();
            b.Grad?.Dispose();
        }
    }

    /// <summary>One term's per-sample loss and gradient, reallocated when the batch size changes.</summary>
    sealed class TermBuffers(string term)
    {
        public string Term { get; } = term;
        public Tensor? Loss, Grad;
    }
}

/// <summary>The last step's loss terms and mean D outputs (as probabilities, PyTorch's D(x) and D(G(z))).</summary>
public readonly record struct LossStats(float DReal, float DOfX, float DFake, float DOfGzBeforeD, float G, float DOfGzAfterD)
{
    public float D => DReal + DFake;
}
