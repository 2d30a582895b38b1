using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// im2col and col2im on host memory for the CPU accelerator, with exactly the kernels' semantics
/// (<see cref="Im2Col"/>, <see cref="Col2Im"/>): row-wise copies instead of one simulated thread per element.
/// Work is split by whole column rows (im2col) or whole image planes (col2im), so every output element is
/// written by one worker, and col2im adds a pixel's taps in the kernel's (kh, kw) order, then the bias, then the
/// fused activation (a plane at a time, while it is in L1):
/// results are bit-identical to the ILGPU kernels whatever the thread count.
/// </summary>
public sealed unsafe class HostUnfold
{
    readonly WorkerPool pool;
    readonly Action<int> im2col, col2im;
    float* image, col, bias;
    ConvGeometry g;
    ActivationKind activation;
    float slope;

    public HostUnfold(WorkerPool pool)
    {
        this.pool = pool;
        im2col = Im2ColWorker;
        col2im = Col2ImWorker;
    }

    // col: (N, C*kh*kw, OutH*OutW) from image: (N, C, InH, InW)
    public void Im2Col(float* image, float* col, in ConvGeometry g) => Run(image, col, null, g, ActivationKind.Identity, 0f, im2col);

    // image: (N, C, InH, InW) written = f(sum of its taps in col (+ bias[c] when bias != null)), f the fused activation
    public void Col2Im(float* col, float* image, float* bias, in ConvGeometry g, ActivationKind activation = ActivationKind.Identity, float slope = 0f) =>
        Run(image, col, bias, g, activation, slope, col2im);

    void Run(float* image, float* col, float* bias, in ConvGeometry g, ActivationKind activation, float slope, Action<int> work)
    {
        lock (pool)
        {
            this.image = image;
            this.col = col;
            this.bias = bias;
            this.g = g;
            this.activation = activation;
            this.slope = slope;
            if (g.ColumnLength < WorkerPool.ParallelThreshold) work(-1);
            else pool.Run(work);
            this.image = this.col = this.bias = null;
        }
    }

    void Im2ColWorker(int worker)
    {
        int rows = g.Batch * g.ColumnRows, plane = g.ColumnCols;
        var (start, end) = pool.Share(worker, rows);
        for (int row = start; row < end; row++)
        {
            int r = row % g.ColumnRows, n = row / g.ColumnRows;
            int kw = r % g.KernelW, kh = r / g.KernelW % g.KernelH, c = r / (g.KernelW * g.KernelH);
            float* dst = col + (long)row * plane;
            float* src = image + ((long)n * g.Channels + c) * g.InH * g.InW;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                float* d = dst + oh * g.OutW;
                int ih = oh * g.StrideH - g.PadH + kh;
                if (ih < 0 || ih >= g.InH)
                {
                    new Span<float>(d, g.OutW).Clear();
                    continue;
                }
                float* s = src + ih * g.InW;
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int iw = ow * g.StrideW - g.PadW + kw;
                    d[ow] = (uint)iw < (uint)g.InW ? s[iw] : 0f;
                }
            }
        }
    }

    void Col2ImWorker(int worker)
    {
        int planes = g.Batch * g.Channels, size = g.InH * g.InW;
        var (start, end) = pool.Share(worker, planes);
        for (int pl = start; pl < end; pl++)
        {
            int c = pl % g.Channels, n = pl / g.Channels;
            float* dst = image + (long)pl * size;
            new Span<float>(dst, size).Clear();
            float* colImage = col + (long)n * g.ColumnRows * g.ColumnCols;
            for (int kh = 0; kh < g.KernelH; kh++)
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    float* src = colImage + (long)((c * g.KernelH + kh) * g.KernelW + kw) * g.ColumnCols;
                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PadH + kh;
                        if ((uint)ih >= (uint)g.InH) continue;
                        float* d = dst + ih * g.InW;
                        float* s = src + oh * g.OutW;
                        for (int ow = 0; ow < g.OutW; ow++)
                        {
                            int iw = ow * g.StrideW - g.PadW + kw;
                            if ((uint)iw < (uint)g.InW) d[iw] += s[ow];
                        }
                    }
                }
            if (bias != null)
            {
                float b = bias[c];
                for (int i = 0; i < size; i++) dst[i] += b;
            }
            HostActivation.ForwardInPlace(dst, size, activation, slope); // Identity: writes nothing
        }
    }
}
