using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Losses;

public enum GanLossKind
{
    /// <summary>BCE: L_D = -E[log D(x)] - E[log(1 - D(G(z)))], non-saturating L_G = -E[log D(G(z))].</summary>
    Bce,
    /// <summary>BCE for D, the original minimax L_G = E[log(1 - D(G(z)))].</summary>
    Minimax,
    /// <summary>Least squares: L_D = ½E[(D(x)-1)²] + ½E[D(G(z))²], L_G = ½E[(D(G(z))-1)²].</summary>
    Lsgan,
    /// <summary>Hinge: L_D = E[relu(1 - D(x))] + E[relu(1 + D(G(z)))], L_G = -E[D(G(z))].</summary>
    Hinge,
    /// <summary>Wasserstein: L_D = E[D(G(z))] - E[D(x)], L_G = -E[D(G(z))] (with weight clipping).</summary>
    Wgan,
}

/// <summary>
/// The GAN losses on D's raw outputs (logits): each call writes dL/dlogits (mean reduction) into a buffer it
/// owns and the loss mean and the mean of sigmoid(logit) into a small device stats buffer, read only when
/// the trainer logs: (0,1) D on real, (2,3) D on fake, (4,5) G.
/// </summary>
public sealed class GanLoss : IDisposable
{
    readonly ComputeDevice device;
    readonly Tensor stats;
    readonly float[] hostStats = new float[6];
    Tensor? perSample, grad;

    public GanLoss(ComputeDevice device, GanLossKind kind)
    {
        this.device = device;
        Kind = kind;
        stats = device.Allocate(6);
        ElementwiseOps.Fill(device, stats.View, 6, 0f);
    }

    public GanLossKind Kind { get; }

    /// <summary>BCE target for real images in D's loss (TrainOptions.LabelSmoothing); 1: plain BCE.</summary>
    public float RealLabel { get; init; } = 1f;

    public static GanLossKind Parse(string text) => text.ToLowerInvariant() switch
    {
        "bce" or "nonsaturating" or "ns" => GanLossKind.Bce,
        "minimax" => GanLossKind.Minimax,
        "lsgan" or "ls" => GanLossKind.Lsgan,
        "hinge" => GanLossKind.Hinge,
        "wgan" or "wasserstein" => GanLossKind.Wgan,
        _ => throw new ArgumentException($"--loss '{text}': expected bce, minimax, lsgan, hinge or wgan"),
    };

    /// <summary>D's term on real samples; returns dL/dlogits.</summary>
    public Tensor DiscriminatorReal(Tensor logits) => Run(logits, 0, Kind switch
    {
        GanLossKind.Bce or GanLossKind.Minimax => (LossFunction.BceWithLogits, RealLabel),
        GanLossKind.Lsgan => (LossFunction.SquaredError, 1f),
        GanLossKind.Hinge => (LossFunction.Hinge, -1f),
        _ => (LossFunction.Linear, -1f),
    });

    /// <summary>D's term on generated samples; returns dL/dlogits.</summary>
    public Tensor DiscriminatorFake(Tensor logits) => Run(logits, 2, Kind switch
    {
        GanLossKind.Bce or GanLossKind.Minimax => (LossFunction.BceWithLogits, 0f),
        GanLossKind.Lsgan => (LossFunction.SquaredError, 0f),
        GanLossKind.Hinge => (LossFunction.Hinge, 1f),
        _ => (LossFunction.Linear, 1f),
    });

    /// <summary>G's loss on D(G(z)); returns dL/dlogits.</summary>
    public Tensor Generator(Tensor logits) => Run(logits, 4, Kind switch
    {
        GanLossKind.Bce => (LossFunction.BceWithLogits, 1f),
        GanLossKind.Minimax => (LossFunction.LogOneMinusSigmoid, 0f),
        GanLossKind.Lsgan => (LossFunction.SquaredError, 1f),
        _ => (LossFunction.Linear, -1f),
    });

    Tensor Run(Tensor logits, int offset, (LossFunction kind, float target) term)
    {
        int n = logits.Length;
        if (perSample == null || perSample.Length != n)
        {
            perSample?.Dispose();
            grad?.Dispose();
            perSample = device.Allocate(n);
            grad = device.Allocate(n);
        }
        LossOps.Compute(device, logits.View, perSample.View, grad!.View, stats.View, offset, n, term.kind, term.target, 1f / n);
        return grad.Reshape(logits.Shape);
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
        perSample?.Dispose();
        grad?.Dispose();
    }
}

/// <summary>The last step's loss terms and mean D outputs (as probabilities, PyTorch's D(x) and D(G(z))).</summary>
public readonly record struct LossStats(float DReal, float DOfX, float DFake, float DOfGzBeforeD, float G, float DOfGzAfterD)
{
    public float D => DReal + DFake;
}
