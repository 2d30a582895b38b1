using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class ElementwiseOps
{
    public static void Fill(ComputeDevice dev, ArrayView<float> x, int length, float value)
    {
        if (dev.UsesHostKernels)
        {
            using var __ = dev.Scope("Fill:Host", 0, 4.0 * length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.Fill(HostMemory.Pointer(x), length, value); }
            return;
        }
        using var _ = dev.Scope("Fill", 0, 4.0 * length);
        var k = dev.Kernel("Fill", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, ElementRange>(Kernels.Fill.Kernel));
        var r = dev.Range(length);
        k(r.Threads, x, value, r);
    }

    public static void Copy(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, int length)
    {
        using var _ = dev.Scope("Copy", 0, 8.0 * length);
        var k = dev.Kernel("Copy", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ElementRange>(Kernels.Copy.Kernel));
        var r = dev.Range(length);
        k(r.Threads, x, y, r);
    }
}
