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
        Compute(dev, logits, loss, grad, stats, statsOffset, count, new LossParams { Kind = f.ToKernel(), Target = target, GradScale = gradScale });

    internal delegate void LossLaunch(ArrayView<float> logits, ArrayView<float> loss, ArrayView<float> grad, ArrayView<float> stats, int statsOffset, int count, LossParams p);

    internal static readonly OpVariants<LossLaunch> Variants = new OpVariants<LossLaunch>("Loss")
        .Register(dev =>
        {
            var elementwise = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, LossParams, ElementRange>(LossElementwise.Kernel);
            var mean = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(LossMean.Kernel);
            return (logits, loss, grad, stats, statsOffset, count, p) =>
            {
                using (dev.Launch("LossElementwise", p.Kind, "", 10.0 * count, 12.0 * count))
                {
                    var r = dev.Range(count);
                    elementwise(r.Threads, logits, loss, grad, p, r);
                }
                using (dev.Launch("LossMean", 6.0 * count, 8.0 * count))
                    mean(1, loss, logits, stats, count, statsOffset);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    internal static void Compute(ComputeDevice dev, ArrayView<float> logits, ArrayView<float> loss, ArrayView<float> grad,
        ArrayView<float> stats, int statsOffset, int count, LossParams p) =>
        Variants.For(dev)(logits, loss, grad, stats, statsOffset, count, p);
}
