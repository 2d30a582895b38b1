using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class ActivationOps
{
    internal delegate void ForwardLaunch(ArrayView<float> x, ArrayView<float> y, int length, ActivationKind kind, float slope);
    internal delegate void BackwardLaunch(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int length, ActivationKind kind, float slope);

    internal static readonly OpVariants<ForwardLaunch> ForwardVariants = new OpVariants<ForwardLaunch>("ActivationForward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ActivationKind, float, ElementRange>(ActivationForward.Kernel);
            return (x, y, length, kind, slope) =>
            {
                using var _ = dev.Launch("ActivationForward", kind, "", length, 8.0 * length);
                var r = dev.Range(length);
                k(r.Threads, x, y, kind, slope, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (x, y, length, kind, slope) =>
        {
            using var _ = dev.Launch("ActivationForward", kind, ":Host", length, 8.0 * length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.ActivationForward(HostMemory.Pointer(x), HostMemory.Pointer(y), length, kind, slope); }
        }, OpVariant.HostSimd);

    internal static readonly OpVariants<BackwardLaunch> BackwardVariants = new OpVariants<BackwardLaunch>("ActivationBackward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ActivationKind, float, ElementRange>(ActivationBackward.Kernel);
            return (y, dy, dx, length, kind, slope) =>
            {
                using var _ = dev.Launch("ActivationBackward", kind, "", 2.0 * length, 12.0 * length);
                var r = dev.Range(length);
                k(r.Threads, y, dy, dx, kind, slope, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (y, dy, dx, length, kind, slope) =>
        {
            using var _ = dev.Launch("ActivationBackward", kind, ":Host", 2.0 * length, 12.0 * length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.ActivationBackward(HostMemory.Pointer(y), HostMemory.Pointer(dy), HostMemory.Pointer(dx), length, kind, slope); }
        }, OpVariant.HostSimd);

    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, int length, ActivationFunction f, float slope) =>
        Forward(dev, x, y, length, f.ToKernel(), slope);

    // dx from the forward output y
    public static void Backward(ComputeDevice dev, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int length, ActivationFunction f, float slope) =>
        Backward(dev, y, dy, dx, length, f.ToKernel(), slope);

    internal static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, int length, ActivationKind kind, float slope) =>
        ForwardVariants.For(dev)(x, y, length, kind, slope);

    internal static void Backward(ComputeDevice dev, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int length, ActivationKind kind, float slope) =>
        BackwardVariants.For(dev)(y, dy, dx, length, kind, slope);
}
