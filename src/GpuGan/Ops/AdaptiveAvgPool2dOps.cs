using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// 2-D adaptive average pooling (NCHW) as PyTorch's adaptive_avg_pool2d: any input size to a requested output
/// size, each output cell the mean of its window (rows floor(i*H/Ho) .. ceil((i+1)*H/Ho)-1, columns likewise).
/// With H a multiple of Ho it is plain average pooling; otherwise neighbouring windows share a row or column.
/// The metrics use it to score images larger than the MNIST classifier's 28x28 (an area downscale on the device).
/// One ILGPU kernel each way for both kernel families; the host SIMD variant runs the CPU family's.
/// </summary>
public static class AdaptiveAvgPool2dOps
{
    internal delegate void ForwardLaunch(ArrayView<float> x, ArrayView<float> y, AdaptivePoolGeometry g);
    internal delegate void BackwardLaunch(ArrayView<float> dy, ArrayView<float> dx, AdaptivePoolGeometry g);

    internal static readonly OpVariants<ForwardLaunch> ForwardVariants = new OpVariants<ForwardLaunch>("AdaptiveAvgPool2dForward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, AdaptivePoolGeometry, ElementRange>(AdaptiveAvgPool2dForward.Kernel);
            return (x, y, g) =>
            {
                double taps = Taps(g);
                using var _ = dev.Launch("AdaptiveAvgPool2dForward", taps, 4.0 * taps + 4.0 * g.OutputLength);
                var r = dev.Range(g.OutputLength);
                k(r.Threads, x, y, g, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    internal static readonly OpVariants<BackwardLaunch> BackwardVariants = new OpVariants<BackwardLaunch>("AdaptiveAvgPool2dBackward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, AdaptivePoolGeometry, ElementRange>(AdaptiveAvgPool2dBackward.Kernel);
            return (dy, dx, g) =>
            {
                double taps = Taps(g);
                using var _ = dev.Launch("AdaptiveAvgPool2dBackward", 2.0 * taps, 4.0 * taps + 4.0 * g.InputLength);
                var r = dev.Range(g.InputLength);
                k(r.Threads, dy, dx, g, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    /// <summary>(N, C, outH, outW) for x: (N, C, H, W).</summary>
    public static int[] OutputShape(int[] xShape, int outH, int outW)
    {
        var g = Geometry(xShape, outH, outW);
        return [g.Batch, g.Channels, g.OutH, g.OutW];
    }

    // y: (N, C, Ho, Wo) = mean of x: (N, C, H, W) over each adaptive window
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> y, int[] xShape, int outH, int outW)
    {
        var g = Geometry(xShape, outH, outW);
        Check(x.Length, g.InputLength, "x");
        Check(y.Length, g.OutputLength, "y");
        ForwardVariants.For(dev)(x, y, g);
    }

    // dx: (N, C, H, W) written: dx[i] = sum of dy: (N, C, Ho, Wo) / window size over the windows that contain i
    public static void Backward(ComputeDevice dev, ArrayView<float> dy, ArrayView<float> dx, int[] xShape, int outH, int outW)
    {
        var g = Geometry(xShape, outH, outW);
        Check(dy.Length, g.OutputLength, "dy");
        Check(dx.Length, g.InputLength, "dx");
        BackwardVariants.For(dev)(dy, dx, g);
    }

    static AdaptivePoolGeometry Geometry(int[] xShape, int outH, int outW)
    {
        if (xShape.Length != 4 || xShape.Any(d => d < 1))
            throw new ArgumentException($"adaptive average pooling expects (N, C, H, W), got ({string.Join(", ", xShape)})");
        if (outH < 1 || outW < 1)
            throw new ArgumentException($"adaptive average pooling: output size must be >= 1, got {outH}x{outW}");
        // (o+1)*In and (i+1)*Out must fit in an int in the kernels
        if ((long)(outH + 1) * xShape[2] > int.MaxValue || (long)(outW + 1) * xShape[3] > int.MaxValue
            || (long)(xShape[2] + 1) * outH > int.MaxValue || (long)(xShape[3] + 1) * outW > int.MaxValue)
            throw new ArgumentException($"adaptive average pooling: {xShape[2]}x{xShape[3]} to {outH}x{outW} is too large");
        return new AdaptivePoolGeometry
        {
            Batch = xShape[0], Channels = xShape[1], InH = xShape[2], InW = xShape[3], OutH = outH, OutW = outW,
        };
    }

    // inputs summed over all windows: each window spans at most ceil(H/Ho) + 1 rows and ceil(W/Wo) + 1 columns
    static double Taps(AdaptivePoolGeometry g) =>
        (double)g.OutputLength * Math.Min(g.InH, (g.InH + g.OutH - 1) / g.OutH + 1) * Math.Min(g.InW, (g.InW + g.OutW - 1) / g.OutW + 1);

    static void Check(long length, int needed, string what)
    {
        if (length < needed) throw new ArgumentException($"adaptive average pooling: {what} holds {length} elements, {needed} needed");
    }
}
