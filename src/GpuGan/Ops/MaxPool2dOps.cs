using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// 2-D max pooling (NCHW) as PyTorch's MaxPool2d: the forward pass keeps the flat index into x of each window's
/// max; the backward pass gathers dy onto those inputs. One ILGPU kernel each for both kernel families, and host
/// code for HostSimd: at the LeNet classifier's sizes ILGPU's CPU kernels took 30-80% of its convolutions' time,
/// the host code a third of that (BENCHMARKS.md, "Max pooling on the CPU accelerator").
/// </summary>
public static class MaxPool2dOps
{
    internal delegate void ForwardLaunch(ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, PoolGeometry g);
    internal delegate void BackwardLaunch(ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, PoolGeometry g);

    internal static readonly OpVariants<ForwardLaunch> ForwardVariants = new OpVariants<ForwardLaunch>("MaxPool2dForward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, PoolGeometry, ElementRange>(MaxPool2dForward.Kernel);
            return (x, y, argmax, g) =>
            {
                double taps = (double)g.OutputLength * g.KernelH * g.KernelW;
                using var _ = dev.Launch("MaxPool2dForward", taps, 4.0 * taps + 8.0 * g.OutputLength);
                var r = dev.Range(g.OutputLength);
                k(r.Threads, x, y, argmax, g, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (x, y, argmax, g) =>
        {
            double taps = (double)g.OutputLength * g.KernelH * g.KernelW;
            using var _ = dev.Launch("MaxPool2dForward:Host", taps, 4.0 * taps + 8.0 * g.OutputLength);
            dev.Synchronize();
            unsafe { dev.HostMaxPool.Forward(HostMemory.Pointer(x), HostMemory.Pointer(y), HostMemory.Pointer(argmax), g); }
        }, OpVariant.HostSimd);

    internal static readonly OpVariants<BackwardLaunch> BackwardVariants = new OpVariants<BackwardLaunch>("MaxPool2dBackward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, PoolGeometry, ElementRange>(MaxPool2dBackward.Kernel);
            return (dy, argmax, dx, g) =>
            {
                double taps = (double)g.OutputLength * g.KernelH * g.KernelW;
                using var _ = dev.Launch("MaxPool2dBackward", taps, 8.0 * taps + 4.0 * g.InputLength);
                var r = dev.Range(g.InputLength);
                k(r.Threads, dy, argmax, dx, g, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (dy, argmax, dx, g) =>
        {
            double taps = (double)g.OutputLength * g.KernelH * g.KernelW;
            using var _ = dev.Launch("MaxPool2dBackward:Host", taps, 8.0 * taps + 4.0 * g.InputLength);
            dev.Synchronize();
            unsafe { dev.HostMaxPool.Backward(HostMemory.Pointer(dy), HostMemory.Pointer(argmax), HostMemory.Pointer(dx), g); }
        }, OpVariant.HostSimd);

    /// <summary>(N, C, OutH, OutW) for x: (N, C, H, W).</summary>
    public static int[] OutputShape(PoolOptions o, int[] xShape)
    {
        var g = Geometry(o, xShape);
        return [g.Batch, g.Channels, g.OutH, g.OutW];
    }

    // y: (N, C, OutH, OutW) = max over each window of x: (N, C, H, W); argmax: (N, C, OutH, OutW) flat index into x
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, PoolOptions o, int[] xShape)
    {
        var g = Geometry(o, xShape);
        Check(x.Length, g.InputLength, "x");
        Check(y.Length, g.OutputLength, "y");
        Check(argmax.Length, g.OutputLength, "argmax");
        ForwardVariants.For(dev)(x, y, argmax, g);
    }

    // dx: (N, C, H, W) written: dx[i] = sum of dy[o] over the windows o whose argmax is i
    public static void Backward(ComputeDevice dev, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, PoolOptions o, int[] xShape)
    {
        var g = Geometry(o, xShape);
        Check(dy.Length, g.OutputLength, "dy");
        Check(argmax.Length, g.OutputLength, "argmax");
        Check(dx.Length, g.InputLength, "dx");
        BackwardVariants.For(dev)(dy, argmax, dx, g);
    }

    static PoolGeometry Geometry(PoolOptions o, int[] xShape)
    {
        if (xShape.Length != 4) throw new ArgumentException($"max pooling expects (N, C, H, W), got ({string.Join(", ", xShape)})");
        return o.Geometry(xShape[0], xShape[1], xShape[2], xShape[3]);
    }

    static void Check(long length, int needed, string what)
    {
        if (length < needed) throw new ArgumentException($"max pooling: {what} holds {length} elements, {needed} needed");
    }
}
