using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// Folds columns back onto the image, summing every tap that touches a pixel. Written as a gather (one
/// thread per image element, taps visited in a fixed order) rather than a scatter with atomics, so it is
/// deterministic. Used for Conv2d's input gradient and ConvTranspose2d's forward (then with a bias).
/// image: (N, C, InH, InW) written (not accumulated); col: (N, C*kh*kw, OutH*OutW).
/// bias: per channel, added when hasBias != 0; then the fused activation (Identity: none), as ConvTranspose2d's
/// forward with the activation after it runs in this one launch.
/// </summary>
public static class Col2Im
{
    public static void Kernel(Index1D thread, ArrayView<float> col, ArrayView<float> image, ArrayView<float> bias, int hasBias, ActivationKind activation, float slope, ConvGeometry g, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, col, image, bias, hasBias, activation, slope, g);
    }

    static void At(int index, ArrayView<float> col, ArrayView<float> image, ArrayView<float> bias, int hasBias, ActivationKind activation, float slope, ConvGeometry g)
    {
        int iw = index % g.InW;
        int t = index / g.InW;
        int ih = t % g.InH; t /= g.InH;
        int c = t % g.Channels;
        int n = t / g.Channels;
        float sum = 0f;
        int colImage = n * g.ColumnRows * g.ColumnCols;
        for (int kh = 0; kh < g.KernelH; kh++)
        {
            int y = ih + g.PadH - kh; // = oh * StrideH
            if (y < 0 || y % g.StrideH != 0) continue;
            int oh = y / g.StrideH;
            if (oh >= g.OutH) continue;
            for (int kw = 0; kw < g.KernelW; kw++)
            {
                int x = iw + g.PadW - kw;
                if (x < 0 || x % g.StrideW != 0) continue;
                int ow = x / g.StrideW;
                if (ow >= g.OutW) continue;
                int r = (c * g.KernelH + kh) * g.KernelW + kw;
                sum += col[colImage + r * g.ColumnCols + oh * g.OutW + ow];
            }
        }
        image[index] = ActivationForward.Apply(hasBias != 0 ? sum + bias[c] : sum, activation, slope);
    }
}
