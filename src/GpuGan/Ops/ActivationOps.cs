using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class ActivationOps
{
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, int length, ActivationKind kind, float slope)
    {
        using var _ = dev.Scope($"ActivationForward.{kind}", length, 8.0 * length);
        var k = dev.Kernel("ActivationForward", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ActivationKind, float>(ActivationForward.Kernel));
        k(length, x, y, kind, slope);
    }

    // dx from the forward output y
    public static void Backward(ComputeDevice dev, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int length, ActivationKind kind, float slope)
    {
        using var _ = dev.Scope($"ActivationBackward.{kind}", 2.0 * length, 12.0 * length);
        var k = dev.Kernel("ActivationBackward", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ActivationKind, float>(ActivationBackward.Kernel));
        k(length, y, dy, dx, kind, slope);
    }
}
