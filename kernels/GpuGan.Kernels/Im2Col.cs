using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// Unfolds image patches into columns so a convolution becomes a GEMM.
/// col: (N, C*kh*kw, OutH*OutW); image: (N, C, InH, InW). Out-of-image taps read as zero.
/// </summary>
public static class Im2Col
{
    public static void Kernel(Index1D thread, ArrayView<float> image, ArrayView<float> col, ConvGeometry g, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, image, col, g);
    }

    static void At(int index, ArrayView<float> image, ArrayView<float> col, ConvGeometry g)
    {
        int p = index % g.ColumnCols;
        int t = index / g.ColumnCols;
        int r = t % g.ColumnRows;
        int n = t / g.ColumnRows;
        int kw = r % g.KernelW;
        int kh = (r / g.KernelW) % g.KernelH;
        int c = r / (g.KernelW * g.KernelH);
        int ow = p % g.OutW, oh = p / g.OutW;
        int ih = oh * g.StrideH - g.PadH + kh;
        int iw = ow * g.StrideW - g.PadW + kw;
        col[index] = ih >= 0 && ih < g.InH && iw >= 0 && iw < g.InW
            ? image[((n * g.Channels + c) * g.InH + ih) * g.InW + iw]
            : 0f;
    }
}
