using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>Per-channel bias: add (forward) and sum (the bias gradient, accumulated).</summary>
public static class ChannelOps
{
    // y: (N, C, P) += bias: (C)
    public static void AddBias(ComputeDevice dev, ArrayView<float> y, ArrayView<float> bias, ChannelLayout l)
    {
        if (dev.UsesHostKernels)
        {
            using var __ = dev.Scope("AddChannelBias:Host", l.Length, 8.0 * l.Length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.AddBias(HostMemory.Pointer(y), HostMemory.Pointer(bias), l); }
            return;
        }
        using var _ = dev.Scope("AddChannelBias", l.Length, 8.0 * l.Length);
        var k = dev.Kernel("AddChannelBias", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, ElementRange>(AddChannelBias.Kernel));
        var r = dev.Range(l.Length);
        k(r.Threads, y, bias, l.Channels, l.Plane, r);
    }

    // sums: (C) += sum over n, p of x: (N, C, P)
    public static void SumInto(ComputeDevice dev, ArrayView<float> x, ArrayView<float> sums, ChannelLayout l)
    {
        if (dev.UsesHostKernels)
        {
            using var __ = dev.Scope("ChannelSum:Host", l.Length, 4.0 * l.Length);
            dev.Synchronize();
            unsafe { dev.HostBatchNorm.SumInto(HostMemory.Pointer(x), HostMemory.Pointer(sums), l); }
            return;
        }
        if (dev.Family == KernelFamily.Gpu)
        {
            using var _ = dev.Scope("ChannelSum.PerGroup", l.Length, 4.0 * l.Length);
            var k = dev.Kernel("ChannelSum.PerGroup", acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ChannelLayout>(ChannelSum.PerGroup));
            k(new KernelConfig(l.Channels, GroupReduce.GroupSize), x, sums, l);
        }
        else
        {
            using var _ = dev.Scope("ChannelSum.PerThread", l.Length, 4.0 * l.Length);
            var k = dev.Kernel("ChannelSum.PerThread", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ChannelLayout, ElementRange>(ChannelSum.PerThread));
            var r = dev.Range(l.Channels);
            k(r.Threads, x, sums, l, r);
        }
    }
}
