using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// Per-channel bias: add (forward) and sum (the bias gradient, accumulated); and the same two with the activation
/// after the bias fused in (one launch each way instead of two).
/// </summary>
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

    internal delegate void BiasActivationLaunch(ArrayView<float> y, ArrayView<float> bias, BiasActivationParams ba);
    internal delegate void ActivationGradSumLaunch(ArrayView<float> y, ArrayView<float> dy, ArrayView<float> g, ArrayView<float> sums, BiasActivationParams ba);

    // Elementwise, so one kernel serves both ILGPU families (as AddChannelBias).
    internal static readonly OpVariants<BiasActivationLaunch> AddBiasActivationVariants = new OpVariants<BiasActivationLaunch>("BiasActivationForward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, BiasActivationParams, ElementRange>(BiasActivationForward.Kernel);
            return (y, bias, ba) =>
            {
                var l = ba.Layout;
                using var _ = dev.Launch("BiasActivationForward", ba.Activation, "", 2.0 * l.Length, 8.0 * l.Length);
                var r = dev.Range(l.Length);
                k(r.Threads, y, bias, ba, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (y, bias, ba) =>
        {
            var l = ba.Layout;
            using var _ = dev.Launch("BiasActivationForward", ba.Activation, ":Host", 2.0 * l.Length, 8.0 * l.Length);
            dev.Synchronize();
            unsafe { dev.HostElementwise.AddBiasActivation(HostMemory.Pointer(y), HostMemory.Pointer(bias), l, ba.Activation, ba.Slope); }
        }, OpVariant.HostSimd);

    // A reduction per channel: covered as ChannelSum covers it (group per channel on the GPU, thread per channel on the CPU).
    internal static readonly OpVariants<ActivationGradSumLaunch> ActivationGradSumVariants = new OpVariants<ActivationGradSumLaunch>("BiasActivationBackward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BiasActivationParams>(BiasActivationBackward.PerGroup);
            return (y, dy, g, sums, ba) =>
            {
                var l = ba.Layout;
                using var _ = dev.Launch("BiasActivationBackward.PerGroup", ba.Activation, "", 3.0 * l.Length, 12.0 * l.Length);
                k(new KernelConfig(l.Channels, GroupReduce.GroupSize), y, dy, g, sums, ba);
            };
        }, OpVariant.GpuFamily)
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                BiasActivationParams, ElementRange>(BiasActivationBackward.PerThread);
            return (y, dy, g, sums, ba) =>
            {
                var l = ba.Layout;
                using var _ = dev.Launch("BiasActivationBackward.PerThread", ba.Activation, "", 3.0 * l.Length, 12.0 * l.Length);
                var r = dev.Range(l.Channels);
                k(r.Threads, y, dy, g, sums, ba, r);
            };
        }, OpVariant.CpuFamily)
        .Register(dev => (y, dy, g, sums, ba) =>
        {
            var l = ba.Layout;
            using var _ = dev.Launch("BiasActivationBackward", ba.Activation, ":Host", 3.0 * l.Length, 12.0 * l.Length);
            dev.Synchronize();
            unsafe
            {
                dev.HostBatchNorm.ActivationGradSumInto(HostMemory.Pointer(y), HostMemory.Pointer(dy), HostMemory.Pointer(g), HostMemory.Pointer(sums),
                    l, ba.Activation, ba.Slope);
            }
        }, OpVariant.HostSimd);

    // y: (N, C, P) += bias: (C)
    public static void AddBias(ComputeDevice dev, ArrayView<float> y, ArrayView<float> bias, ChannelLayout l) => AddBiasVariants.For(dev)(y, bias, l);

    // sums: (C) += sum over n, p of x: (N, C, P)
    public static void SumInto(ComputeDevice dev, ArrayView<float> x, ArrayView<float> sums, ChannelLayout l) => SumVariants.For(dev)(x, sums, l);

    // forward:  y: (N, C, P) = f(y + bias: (C)), in place
    public static void AddBiasActivation(ComputeDevice dev, ArrayView<float> y, ArrayView<float> bias, ChannelLayout l, ActivationFunction f, float slope) =>
        AddBiasActivationVariants.For(dev)(y, bias, Params(l, f, slope));

    // backward: g: (N, C, P) = dy * f'(read from y); sums: (C) += sum over n, p of g (the bias gradient).
    // g then stands for dy in the weight and data gradients.
    public static void ActivationGradSumInto(ComputeDevice dev, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> g, ArrayView<float> sums,
        ChannelLayout l, ActivationFunction f, float slope) =>
        ActivationGradSumVariants.For(dev)(y, dy, g, sums, Params(l, f, slope));

    // What a layer's bias (optional) and fused activation (Identity: none) cost after its GEMM: one launch at most.
    // y: (N, C, P) in place.
    internal static void BiasForward(ComputeDevice dev, ArrayView<float> y, ArrayView<float>? bias, ChannelLayout l, ActivationFunction f, float slope)
    {
        if (f == ActivationFunction.Identity)
        {
            if (bias.HasValue) AddBias(dev, y, bias.Value, l);
        }
        else if (bias.HasValue) AddBiasActivation(dev, y, bias.Value, l, f, slope);
        else ActivationOps.Forward(dev, y, y, l.Length, f, slope);
    }

    // Its backward: dBias += sum g with g = dy * f'(read from y), g written into its buffer when f is fused (wanted: the
    // GEMMs will read it); returns what the GEMMs take for dy, g or (Identity) dy itself. One launch at most.
    internal static ArrayView<float> BiasBackward(ComputeDevice dev, ArrayView<float>? y, ArrayView<float> dy, ArrayView<float>? g, ArrayView<float>? dBias,
        ChannelLayout l, ActivationFunction f, float slope, bool wanted)
    {
        if (f == ActivationFunction.Identity)
        {
            if (dBias.HasValue) SumInto(dev, dy, dBias.Value, l);
            return dy;
        }
        var output = y ?? throw new ArgumentException("a fused activation's backward needs the forward output y (f' is read from it)");
        var grad = g ?? throw new ArgumentException("a fused activation's backward needs a buffer for dy * f'");
        if (dBias.HasValue) ActivationGradSumInto(dev, output, dy, grad, dBias.Value, l, f, slope);
        else if (wanted) ActivationOps.Backward(dev, output, dy, grad, l.Length, f, slope);
        return grad;
    }

    static BiasActivationParams Params(ChannelLayout l, ActivationFunction f, float slope) =>
        new() { Layout = l, Activation = f.ToKernel(), Slope = slope };
}
