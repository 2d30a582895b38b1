using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>Per-channel bias: add (forward) and sum (the bias gradient, accumulated).</summary>
public static class ChannelOps
{
    internal delegate void ChannelLaunch(ArrayView<float> x, ArrayView<float> perChannel, ChannelLayout l);

    internal static readonly OpVariants<ChannelLaunch> AddBiasVariants = new OpVariants<ChannelLaunch>("AddChannelBias")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, ElementRange>(AddChannelBias.Kernel);
            return (y, bias, l) =>
            {
                using var _ = dev.Launch("AddChannelBias", l.Length, 8.0 * l.Length);
                var r = dev.Range(l.Length);
                k(r.Threads, y, bias, l.Channels, l.Plane, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (y, bias, l) =>
        {
            using var _ = dev.Launch("AddChannelBias:Host", l.Length, 8.0 * l.Length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.AddBias(HostMemory.Pointer(y), HostMemory.Pointer(bias), l); }
        }, OpVariant.HostSimd);

    internal static readonly OpVariants<ChannelLaunch> SumVariants = new OpVariants<ChannelLaunch>("ChannelSum")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ChannelLayout>(ChannelSum.PerGroup);
            return (x, sums, l) =>
            {
                using var _ = dev.Launch("ChannelSum.PerGroup", l.Length, 4.0 * l.Length);
                k(new KernelConfig(l.Channels, GroupReduce.GroupSize), x, sums, l);
            };
        }, OpVariant.GpuFamily)
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ChannelLayout, ElementRange>(ChannelSum.PerThread);
            return (x, sums, l) =>
            {
                using var _ = dev.Launch("ChannelSum.PerThread", l.Length, 4.0 * l.Length);
                var r = dev.Range(l.Channels);
                k(r.Threads, x, sums, l, r);
            };
        }, OpVariant.CpuFamily)
        .Register(dev => (x, sums, l) =>
        {
            using var _ = dev.Launch("ChannelSum:Host", l.Length, 4.0 * l.Length);
            dev.Synchronize();
            unsafe { dev.HostBatchNorm.SumInto(HostMemory.Pointer(x), HostMemory.Pointer(sums), l); }
        }, OpVariant.HostSimd);

    // y: (N, C, P) += bias: (C)
    public static void AddBias(ComputeDevice dev, ArrayView<float> y, ArrayView<float> bias, ChannelLayout l) => AddBiasVariants.For(dev)(y, bias, l);

    // sums: (C) += sum over n, p of x: (N, C, P)
    public static void SumInto(ComputeDevice dev, ArrayView<float> x, ArrayView<float> sums, ChannelLayout l) => SumVariants.For(dev)(x, sums, l);
}
