using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using GpuGan.Optim;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class OptimizerOps
{
    /// <summary>One Adam step (step counts from 1) with the options' betas, eps and decay and the current learning rate.</summary>
    public static void Adam(ComputeDevice dev, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, int length,
        AdamOptions o, float lr, long step) =>
        Adam(dev, w, grad, m, v, length, new AdamParams
        {
            Lr = lr, Beta1 = o.Beta1, Beta2 = o.Beta2, Eps = o.Eps, WeightDecay = o.WeightDecay, Decoupled = o.Decoupled ? 1 : 0,
            BiasCorrection1 = (float)(1.0 - Math.Pow(o.Beta1, step)),
            BiasCorrection2 = (float)(1.0 - Math.Pow(o.Beta2, step)),
        });

    /// <summary>One SGD step; hasBuffer false on the first step, when the momentum buffer starts as the gradient.</summary>
    public static void Sgd(ComputeDevice dev, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> buffer, int length,
        SgdOptions o, float lr, bool hasBuffer) =>
        Sgd(dev, w, grad, buffer, length, new SgdParams { Lr = lr, Momentum = o.Momentum, WeightDecay = o.WeightDecay, HasBuffer = hasBuffer ? 1 : 0 });

    internal delegate void AdamLaunch(ArrayView<float> w, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, int length, AdamParams p);
    internal delegate void SgdLaunch(ArrayView<float> w, ArrayView<float> grad, ArrayView<float> buffer, int length, SgdParams p);
    internal delegate void ClipLaunch(ArrayView<float> w, int length, float limit);
    internal delegate void EmaLaunch(ArrayView<float> average, ArrayView<float> w, int length, float decay);

    internal static readonly OpVariants<AdamLaunch> AdamVariants = new OpVariants<AdamLaunch>("AdamStep")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamParams, ElementRange>(AdamStep.Kernel);
            return (w, grad, m, v, length, p) =>
            {
                using var _ = dev.Launch("AdamStep", 14.0 * length, 28.0 * length);
                var r = dev.Range(length);
                k(r.Threads, w, grad, m, v, p, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (w, grad, m, v, length, p) =>
        {
            using var _ = dev.Launch("AdamStep:Host", 14.0 * length, 28.0 * length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.Adam(HostMemory.Pointer(w), HostMemory.Pointer(grad), HostMemory.Pointer(m), HostMemory.Pointer(v), length, p); }
        }, OpVariant.HostSimd);

    internal static readonly OpVariants<SgdLaunch> SgdVariants = new OpVariants<SgdLaunch>("SgdStep")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdParams, ElementRange>(SgdStep.Kernel);
            return (w, grad, buffer, length, p) =>
            {
                using var _ = dev.Launch("SgdStep", 4.0 * length, 20.0 * length);
                var r = dev.Range(length);
                k(r.Threads, w, grad, buffer, p, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    internal static readonly OpVariants<ClipLaunch> ClipVariants = new OpVariants<ClipLaunch>("ClipWeights")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, ElementRange>(Kernels.ClipWeights.Kernel);
            return (w, length, limit) =>
            {
                using var _ = dev.Launch("ClipWeights", 2.0 * length, 8.0 * length);
                var r = dev.Range(length);
                k(r.Threads, w, limit, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    internal static readonly OpVariants<EmaLaunch> EmaVariants = new OpVariants<EmaLaunch>("EmaUpdate")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, ElementRange>(EmaUpdate.Kernel);
            return (average, w, length, decay) =>
            {
                using var _ = dev.Launch("EmaUpdate", 3.0 * length, 12.0 * length);
                var r = dev.Range(length);
                k(r.Threads, average, w, decay, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (average, w, length, decay) =>
        {
            using var _ = dev.Launch("EmaUpdate:Host", 3.0 * length, 12.0 * length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.Ema(HostMemory.Pointer(average), HostMemory.Pointer(w), length, decay); }
        }, OpVariant.HostSimd);

    internal static void Adam(ComputeDevice dev, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, int length, AdamParams p) =>
        AdamVariants.For(dev)(w, grad, m, v, length, p);

    internal static void Sgd(ComputeDevice dev, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> buffer, int length, SgdParams p) =>
        SgdVariants.For(dev)(w, grad, buffer, length, p);

    public static void ClipWeights(ComputeDevice dev, ArrayView<float> w, int length, float limit) => ClipVariants.For(dev)(w, length, limit);

    /// <summary>average = w + decay (average - w), elementwise: one update of an exponential moving average of weights.</summary>
    public static void Ema(ComputeDevice dev, ArrayView<float> average, ArrayView<float> w, int length, float decay) =>
        EmaVariants.For(dev)(average, w, length, decay);
}
