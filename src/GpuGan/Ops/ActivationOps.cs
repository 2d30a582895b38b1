using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class ActivationOps
{
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, int length, ActivationFunction f, float slope) =>
        Forward(dev, x, y, length, f.ToKernel(), slope);

    // dx from the forward output y
    public static void Backward(ComputeDevice dev, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int length, ActivationFunction f, float slope) =>
        Backward(dev, y, dy, dx, length, f.ToKernel(), slope);

    internal static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, int length, ActivationKind kind, float slope)
    {
        if (dev.UsesHostKernels)
        {
            using var __ = dev.Profiler == null ? default : dev.Scope($"ActivationForward.{kind}:Host", length, 8.0 * length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.ActivationForward(HostMemory.Pointer(x), HostMemory.Pointer(y), length, kind, slope); }
            return;
        }
        using var _ = dev.Profiler == null ? default : dev.Scope($"ActivationForward.{kind}", length, 8.0 * length);
        var k = dev.Kernel("ActivationForward", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ActivationKind, float, ElementRange>(ActivationForward.Kernel));
        var r = dev.Range(length);
        k(r.Threads, x, y, kind, slope, r);
    }

    internal static void Backward(ComputeDevice dev, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int length, ActivationKind kind, float slope)
    {
        if (dev.UsesHostKernels)
        {
            using var __ = dev.Profiler == null ? default : dev.Scope($"ActivationBackward.{kind}:Host", 2.0 * length, 12.0 * length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.ActivationBackward(HostMemory.Pointer(y), HostMemory.Pointer(dy), HostMemory.Pointer(dx), length, kind, slope); }
            return;
        }
        using var _ = dev.Profiler == null ? default : dev.Scope($"ActivationBackward.{kind}", 2.0 * length, 12.0 * length);
        var k = dev.Kernel("ActivationBackward", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ActivationKind, float, ElementRange>(ActivationBackward.Kernel));
        var r = dev.Range(length);
        k(r.Threads, y, dy, dx, kind, slope, r);
    }
}
