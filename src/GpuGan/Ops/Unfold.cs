using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// Dispatch for im2col (unfold) and its adjoint col2im (fold): ILGPU kernels on every accelerator, or on the
/// CPU accelerator with host kernels on (<see cref="ComputeDevice.UsesHostKernels"/>) row-wise host copies.
/// </summary>
public static class Unfold
{
    // col: (N, C*kh*kw, OutH*OutW) from image: (N, C, InH, InW)
    public static void Im2Col(ComputeDevice dev, ArrayView<float> image, ArrayView<float> col, ConvGeometry g)
    {
        Check(image, col, g);
        if (dev.UsesHostKernels)
        {
            using var __ = dev.Scope("Im2Col:Host", 0, 8.0 * g.ColumnLength);
            dev.Synchronize();
            unsafe { dev.HostUnfold.Im2Col(HostMemory.Pointer(image), HostMemory.Pointer(col), g); }
            return;
        }
        using var _ = dev.Scope("Im2Col", 0, 8.0 * g.ColumnLength);
        var k = dev.Kernel("Im2Col", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvGeometry, ElementRange>(Kernels.Im2Col.Kernel));
        var r = dev.Range(g.ColumnLength);
        k(r.Threads, image, col, g, r);
    }

    // image: (N, C, InH, InW) written = sum of its taps in col (+ bias[c] when given)
    public static void Col2Im(ComputeDevice dev, ArrayView<float> col, ArrayView<float> image, ArrayView<float>? bias, ConvGeometry g)
    {
        Check(image, col, g);
        if (dev.UsesHostKernels)
        {
            using var __ = dev.Scope("Col2Im:Host", (double)g.ColumnLength, 4.0 * (g.ColumnLength + g.ImageLength));
            dev.Synchronize();
            unsafe { dev.HostUnfold.Col2Im(HostMemory.Pointer(col), HostMemory.Pointer(image), bias.HasValue ? HostMemory.Pointer(bias.Value) : null, g); }
            return;
        }
        using var _ = dev.Scope("Col2Im", (double)g.ColumnLength, 4.0 * (g.ColumnLength + g.ImageLength));
        var k = dev.Kernel("Col2Im", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ConvGeometry, ElementRange>(Kernels.Col2Im.Kernel));
        // Without a bias the kernel never reads it; any valid view stands in.
        var r = dev.Range(g.ImageLength);
        k(r.Threads, col, image, bias ?? image, bias.HasValue ? 1 : 0, g, r);
    }

    static void Check(ArrayView<float> image, ArrayView<float> col, ConvGeometry g)
    {
        if (image.Length < g.ImageLength || col.Length < g.ColumnLength)
            throw new ArgumentException($"unfold buffers too small: image {image.Length} < {g.ImageLength} or columns {col.Length} < {g.ColumnLength}");
    }
}
