using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class OptimizerOps
{
    public static void Adam(ComputeDevice dev, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, int length, AdamParams p)
    {
        if (dev.UsesHostKernels)
        {
            using var __ = dev.Scope("AdamStep:Host", 14.0 * length, 28.0 * length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.Adam(HostMemory.Pointer(w), HostMemory.Pointer(grad), HostMemory.Pointer(m), HostMemory.Pointer(v), length, p); }
            return;
        }
        using var _ = dev.Scope("AdamStep", 14.0 * length, 28.0 * length);
        var k = dev.Kernel("AdamStep", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamParams, ElementRange>(AdamStep.Kernel));
        var r = dev.Range(length);
        k(r.Threads, w, grad, m, v, p, r);
    }

    public static void Sgd(ComputeDevice dev, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> buffer, int length, SgdParams p)
    {
        using var _ = dev.Scope("SgdStep", 4.0 * length, 20.0 * length);
        var k = dev.Kernel("SgdStep", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdParams, ElementRange>(SgdStep.Kernel));
        var r = dev.Range(length);
        k(r.Threads, w, grad, buffer, p, r);
    }

    public static void ClipWeights(ComputeDevice dev, ArrayView<float> w, int length, float limit)
    {
        using var _ = dev.Scope("ClipWeights", 2.0 * length, 8.0 * length);
        var k = dev.Kernel("ClipWeights", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, ElementRange>(Kernels.ClipWeights.Kernel));
        var r = dev.Range(length);
        k(r.Threads, w, limit, r);
    }
}
