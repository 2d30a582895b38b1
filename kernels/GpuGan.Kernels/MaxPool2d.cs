using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

/// <summary>
/// y = max over each window of x (PyTorch's MaxPool2d: padding counts as -inf, ties keep the first max in
/// row-major window order, NaN wins), and the flat index into x of that max, which the backward pass needs.
/// x: (N, C, InH, InW); y, argmax: (N, C, OutH, OutW), written.
/// </summary>
public static class MaxPool2dForward
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, PoolGeometry g, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, x, y, argmax, g);
    }

    static void At(int index, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, PoolGeometry g)
    {
        int ow = index % g.OutW;
        int t = index / g.OutW;
        int oh = t % g.OutH;
        int plane = t / g.OutH; // n * C + c
        // the window clipped to the image: padding is -inf, so it can never be the max
        int h0 = oh * g.StrideH - g.PadH, w0 = ow * g.StrideW - g.PadW;
        int hStart = XMath.Max(h0, 0), hEnd = XMath.Min(h0 + g.KernelH, g.InH);
        int wStart = XMath.Max(w0, 0), wEnd = XMath.Min(w0 + g.KernelW, g.InW);
        int xPlane = plane * g.InH * g.InW;
        // PyTorch starts from -inf at the first tap: an all -inf window still names an element of x
        float best = float.NegativeInfinity;
        int bestAt = xPlane + hStart * g.InW + wStart;
        for (int ih = hStart; ih < hEnd; ih++)
        for (int iw = wStart; iw < wEnd; iw++)
        {
            int at = xPlane + ih * g.InW + iw;
            float v = x[at];
            if (v > best || XMath.IsNaN(v))
            {
                best = v;
                bestAt = at;
            }
        }
        y[index] = best;
        argmax[index] = bestAt;
    }
}

/// <summary>
/// dx[i] = sum of dy[o] over the windows o whose max was x[i]. A gather, one input element at a time over the
/// windows that contain it in a fixed order, so it needs no atomics and repeats bit for bit.
/// dy, argmax: (N, C, OutH, OutW); dx: (N, C, InH, InW), written.
/// </summary>
public static class MaxPool2dBackward
{
    public static void Kernel(Index1D thread, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, PoolGeometry g, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, dy, argmax, dx, g);
    }

    static void At(int index, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, PoolGeometry g)
    {
        int iw = index % g.InW;
        int t = index / g.InW;
        int ih = t % g.InH;
        int plane = t / g.InH;
        // windows oh with oh*s - p <= ih < oh*s - p + k
        int ohStart = FirstWindow(ih + g.PadH - g.KernelH + 1, g.StrideH);
        int ohEnd = XMath.Min((ih + g.PadH) / g.StrideH, g.OutH - 1);
        int owStart = FirstWindow(iw + g.PadW - g.KernelW + 1, g.StrideW);
        int owEnd = XMath.Min((iw + g.PadW) / g.StrideW, g.OutW - 1);
        int yPlane = plane * g.OutH * g.OutW;
        float sum = 0f;
        for (int oh = ohStart; oh <= ohEnd; oh++)
        for (int ow = owStart; ow <= owEnd; ow++)
        {
            int o = yPlane + oh * g.OutW + ow;
            if (argmax[o] == index) sum += dy[o];
        }
        dx[index] = sum;
    }

    // ceil(lowest / stride), at least 0: the first window whose last tap reaches the element
    static int FirstWindow(int lowest, int stride) => lowest <= 0 ? 0 : (lowest + stride - 1) / stride;
}
