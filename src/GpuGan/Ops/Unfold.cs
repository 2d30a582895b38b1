using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// im2col (unfold) and its adjoint col2im (fold): one ILGPU kernel for both kernel families, row-wise host
/// copies for the host SIMD variant.
/// </summary>
public static class Unfold
{
    internal delegate void Im2ColLaunch(ArrayView<float> image, ArrayView<float> col, ConvGeometry g);
    internal delegate void Col2ImLaunch(ArrayView<float> col, ArrayView<float> image, ArrayView<float>? bias, ActivationKind activation, float slope, ConvGeometry g);

    internal static readonly OpVariants<Im2ColLaunch> Im2ColVariants = new OpVariants<Im2ColLaunch>("Im2Col")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvGeometry, ElementRange>(Kernels.Im2Col.Kernel);
            return (image, col, g) =>
            {
                using var _ = dev.Launch("Im2Col", 0, 8.0 * g.ColumnLength);
                var r = dev.Range(g.ColumnLength);
                k(r.Threads, image, col, g, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (image, col, g) =>
        {
            using var _ = dev.Launch("Im2Col:Host", 0, 8.0 * g.ColumnLength);
            dev.Synchronize();
            unsafe { dev.HostUnfold.Im2Col(HostMemory.Pointer(image), HostMemory.Pointer(col), g); }
        }, OpVariant.HostSimd);

    internal static readonly OpVariants<Col2ImLaunch> Col2ImVariants = new OpVariants<Col2ImLaunch>("Col2Im")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ActivationKind, float, ConvGeometry, ElementRange>(Kernels.Col2Im.Kernel);
            return (col, image, bias, activation, slope, g) =>
            {
                // named for the activation it applies, if any, as the launch it replaces was
                using var _ = activation == ActivationKind.Identity
                    ? dev.Launch("Col2Im", (double)g.ColumnLength, 4.0 * (g.ColumnLength + g.ImageLength))
                    : dev.Launch("Col2Im", activation, "", (double)g.ColumnLength, 4.0 * (g.ColumnLength + g.ImageLength));
                // Without a bias the kernel never reads it; any valid view stands in.
                var r = dev.Range(g.ImageLength);
                k(r.Threads, col, image, bias ?? image, bias.HasValue ? 1 : 0, activation, slope, g, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (col, image, bias, activation, slope, g) =>
        {
            using var _ = activation == ActivationKind.Identity
                ? dev.Launch("Col2Im:Host", (double)g.ColumnLength, 4.0 * (g.ColumnLength + g.ImageLength))
                : dev.Launch("Col2Im", activation, ":Host", (double)g.ColumnLength, 4.0 * (g.ColumnLength + g.ImageLength));
            dev.Synchronize();
            unsafe { dev.HostUnfold.Col2Im(HostMemory.Pointer(col), HostMemory.Pointer(image), bias.HasValue ? HostMemory.Pointer(bias.Value) : null, g, activation, slope); }
        }, OpVariant.HostSimd);

    // col: (N, C*kh*kw, OutH*OutW) from image: (N, C, InH, InW)
    public static void Im2Col(ComputeDevice dev, ArrayView<float> image, ArrayView<float> col, ConvGeometry g)
    {
        Check(image, col, g);
        Im2ColVariants.For(dev)(image, col, g);
    }

    // image: (N, C, InH, InW) written = f(sum of its taps in col (+ bias[c] when given)), f the fused activation
    public static void Col2Im(ComputeDevice dev, ArrayView<float> col, ArrayView<float> image, ArrayView<float>? bias, ConvGeometry g,
        ActivationFunction activation = ActivationFunction.Identity, float slope = 0f)
    {
        Check(image, col, g);
        Col2ImVariants.For(dev)(col, image, bias, activation.ToKernel(), slope, g);
    }

    static void Check(ArrayView<float> image, ArrayView<float> col, ConvGeometry g)
    {
        if (image.Length < g.ImageLength || col.Length < g.ColumnLength)
            throw new ArgumentException($"unfold buffers too small: image {image.Length} < {g.ImageLength} or columns {col.Length} < {g.ColumnLength}");
    }
}
