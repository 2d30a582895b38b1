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

    internal static void Compute(ComputeDevice dev, ArrayView<float> logits, ArrayView<float> loss, ArrayView<float> grad,
        ArrayView<float> stats, int statsOffset, int count, LossParams p)
    {
        using (dev.Profiler == null ? default : dev.Scope($"LossElementwise.{p.Kind}", 10.0 * count, 12.0 * count))
        {
            var k = dev.Kernel("LossElementwise", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, LossParams, ElementRange>(LossElementwise.Kernel));
            var r = dev.Range(count);
            k(r.Threads, logits, loss, grad, p, r);
        }
        using (dev.Scope("LossMean", 6.0 * count, 8.0 * count))
        {
            var k = dev.Kernel("LossMean", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(LossMean.Kernel));
            k(1, loss, logits, stats, count, statsOffset);
        }
    }
}
