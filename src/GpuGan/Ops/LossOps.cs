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

    internal delegate void LossLaunch(ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad, ArrayView<float> stats, int statsOffset, int count, LossParams p);

    internal static readonly OpVariants<LossLaunch> Variants = new OpVariants<LossLaunch>("Loss")
        .Register(dev =>
        {
            var elementwise = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LossParams, ElementRange>(LossElementwise.Kernel);
            var mean = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(LossMean.Kernel);
            return (logits, targets, loss, grad, stats, statsOffset, count, p) =>
            {
                bool perSample = p.PerSampleTargets != 0;
                using (dev.Launch("LossElementwise", p.Kind, perSample ? ".targets" : "", 10.0 * count, (perSample ? 16.0 : 12.0) * count))
                {
                    var r = dev.Range(count);
                    elementwise(r.Threads, logits, targets, loss, grad, p, r);
                }
                using (dev.Launch("LossMean", 6.0 * count, 8.0 * count))
                    mean(1, loss, logits, stats, count, statsOffset);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    // targets: any valid view where p.PerSampleTargets is 0 (the kernel never reads it).
    internal static void Compute(ComputeDevice dev, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> loss, ArrayView<float> grad,
        ArrayView<float> stats, int statsOffset, int count, LossParams p) =>
        Variants.For(dev)(logits, targets, loss, grad, stats, statsOffset, count, p);
}
