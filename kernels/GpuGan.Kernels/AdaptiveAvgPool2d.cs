using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

/// <summary>
/// y = the mean of x over each adaptive window (PyTorch's adaptive_avg_pool2d): output cell (i, j) averages input
/// rows floor(i*InH/OutH) .. ceil((i+1)*InH/OutH)-1 and columns likewise, summed in row-major order.
/// x: (N, C, InH, InW); y: (N, C, OutH, OutW), written.
/// </summary>
public static class AdaptiveAvgPool2dForward
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, AdaptivePoolGeometry g, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, x, y, g);
    }

    static void At(int index, ArrayView<float> x, ArrayView<float> y, AdaptivePoolGeometry g)
    {
        int ow = index % g.OutW;
        int t = index / g.OutW;
        int oh = t % g.OutH;
        int plane = t / g.OutH; // n * C + c
        int hStart = AdaptivePoolGeometry.Start(oh, g.InH, g.OutH), hEnd = AdaptivePoolGeometry.End(oh, g.InH, g.OutH);
        int wStart = AdaptivePoolGeometry.Start(ow, g.InW, g.OutW), wEnd = AdaptivePoolGeometry.End(ow, g.InW, g.OutW);
        int xPlane = plane * g.InH * g.InW;
        float sum = 0f;
        for (int ih = hStart; ih < hEnd; ih++)
        for (int iw = wStart; iw < wEnd; iw++)
            sum += x[xPlane + ih * g.InW + iw];
        y[index] = sum / ((hEnd - hStart) * (wEnd - wStart));
    }
}

/// <summary>
/// dx[i] = sum of dy[o] / (size of window o) over the windows o that contain x[i]. A gather, one input element at
/// a time over its windows in a fixed order, so it needs no atomics and repeats bit for bit.
/// dy: (N, C, OutH, OutW); dx: (N, C, InH, InW), written.
/// </summary>
public static class AdaptiveAvgPool2dBackward
{
    public static void Kernel(Index1D thread, ArrayView<float> dy, ArrayView<float> dx, AdaptivePoolGeometry g, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, dy, dx, g);
    }

    static void At(int index, ArrayView<float> dy, ArrayView<float> dx, AdaptivePoolGeometry g)
    {
        int iw = index % g.InW;
        int t = index / g.InW;
        int ih = t % g.InH;
        int plane = t / g.InH;
        // windows o with floor(o*In/Out) <= i < ceil((o+1)*In/Out): o from floor(i*Out/In) to ceil((i+1)*Out/In) - 1
        int ohStart = ih * g.OutH / g.InH, ohEnd = XMath.Min(((ih + 1) * g.OutH + g.InH - 1) / g.InH, g.OutH);
        int owStart = iw * g.OutW / g.InW, owEnd = XMath.Min(((iw + 1) * g.OutW + g.InW - 1) / g.InW, g.OutW);
        int yPlane = plane * g.OutH * g.OutW;
        float sum = 0f;
        for (int oh = ohStart; oh < ohEnd; oh++)
        {
            int rows = AdaptivePoolGeometry.End(oh, g.InH, g.OutH) - AdaptivePoolGeometry.Start(oh, g.InH, g.OutH);
            for (int ow = owStart; ow < owEnd; ow++)
            {
                int cols = AdaptivePoolGeometry.End(ow, g.InW, g.OutW) - AdaptivePoolGeometry.Start(ow, g.InW, g.OutW);
                sum += dy[yPlane + oh * g.OutW + ow] / (rows * cols);
            }
        }
        dx[index] = sum;
    }
}
