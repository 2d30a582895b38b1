using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class LossOps
{
    // loss, grad: (N) written; stats[offset] = mean loss, stats[offset+1] = mean sigmoid(logit).
    // target: t (BCE, least squares) or sign s (hinge, linear); gradScale: 1/N for the mean, times a loss weight.
    public static void Compute(ComputeDevice dev, ArrayView<float> logits, ArrayView<float> loss, ArrayView<float> grad,
        ArrayView<float> stats, int statsOffset, int count, LossFunction f, float target, float gradScale) =>
        Compute(dev, logits, logits, loss, grad, stats, statsOffset, count, new LossParams { Kind = f.ToKernel(), Target = target, GradScale = gradScale });

    // As above with sample i's target t = targets[i] (soft or noisy labels); targets: (N) read. Only the loss
    // terms with a target take them: BceWithLogits and SquaredError.
    public static void Compute(ComputeDevice dev, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad,
        ArrayView<float> stats, int statsOffset, int count, LossFunction f, float gradScale)
    {
        if (f is not (LossFunction.BceWithLogits or LossFunction.SquaredError))
            throw new ArgumentException($"{f} has no target: per-sample targets are for BceWithLogits and SquaredError", nameof(f));
        if (targets.Length < count) throw new ArgumentException($"{targets.Length} targets for {count} logits", nameof(targets));
        Compute(dev, logits, targets, loss, grad, stats, statsOffset, count, new LossParams { Kind = f.ToKernel(), GradScale = gradScale, PerSampleTargets = 1 });
    }

    internal delegate void LossLaunch(ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad, ArrayView<float> stats, LossParams p);

    // One launch per loss term, the means included: one group (GPU) or one thread (CPU) covers the small batch
    // and sums in a fixed order. The host SIMD variant runs the CPU family's kernel (it has no host code).
    internal static readonly OpVariants<LossLaunch> Variants = new OpVariants<LossLaunch>("Loss")
        .Register(dev => Ilgpu(dev, perGroup: true), OpVariant.GpuFamily)
        .Register(dev => Ilgpu(dev, perGroup: false), OpVariant.CpuFamily);

    static LossLaunch Ilgpu(ComputeDevice dev, bool perGroup)
    {
        var acc = dev.Accelerator;
        var lossPerGroup = perGroup ? acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, LossParams>(LossAndMean.PerGroup) : null;
        var lossPerThread = perGroup ? null : acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, LossParams>(LossAndMean.PerThread);
        return (logits, targets, loss, grad, stats, p) =>
        {
            bool perSample = p.PerSampleTargets != 0;
            // the term and its gradient, then sigmoid(l) and the two sums
            double flops = 16.0 * p.Count, bytes = (perSample ? 16.0 : 12.0) * p.Count;
            if (lossPerGroup != null)
            {
                using var _ = dev.Launch("LossAndMean.PerGroup", p.Kind, perSample ? ".targets" : "", flops, bytes);
                lossPerGroup(new KernelConfig(1, GroupReduce.GroupSize), logits, targets, loss, grad, stats, p);
            }
            else
            {
                using var _ = dev.Launch("LossAndMean.PerThread", p.Kind, perSample ? ".targets" : "", flops, bytes);
                lossPerThread!(1, logits, targets, loss, grad, stats, p);
            }
        };
    }

    // targets: any valid view where p.PerSampleTargets is 0 (the kernel never reads it).
    internal static void Compute(ComputeDevice dev, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad,
        ArrayView<float> stats, int statsOffset, int count, LossParams p) =>
        Variants.For(dev)(logits, targets, loss, grad, stats, p with { Count = count, StatsOffset = statsOffset });
}
