using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// Max pooling on host memory for the CPU accelerator, with the kernels' semantics (<see cref="MaxPool2dForward"/>,
/// <see cref="MaxPool2dBackward"/>): first max in row-major window order, NaN wins, padding never does. Work is split
/// by whole (n, c) planes, so every output is written by one worker. The backward pass zeroes a plane of dx and adds
/// dy[o] at argmax[o] in row-major o order: for each input that is the kernel's gather, summed in the same order,
/// so the results are bit-identical to the ILGPU kernels whatever the thread count.
/// </summary>
public sealed unsafe class HostMaxPool
{
    readonly WorkerPool pool;
    readonly Action<int> forward, backward;
    float* x, y;
    int* argmax;
    PoolGeometry g;

    public HostMaxPool(WorkerPool pool)
    {
        this.pool = pool;
        forward = ForwardWorker;
        backward = BackwardWorker;
    }

    // y, argmax: (N, C, OutH, OutW) from x: (N, C, InH, InW)
    public void Forward(float* x, float* y, int* argmax, in PoolGeometry g) => Run(x, y, argmax, g, forward);

    // dx: (N, C, InH, InW) written from dy, argmax: (N, C, OutH, OutW)
    public void Backward(float* dy, int* argmax, float* dx, in PoolGeometry g) => Run(dx, dy, argmax, g, backward);

    // x: the input side (x or dx), y: the output side (y or dy)
    void Run(float* x, float* y, int* argmax, in PoolGeometry g, Action<int> work)
    {
        lock (pool)
        {
            this.x = x;
            this.y = y;
            this.argmax = argmax;
            this.g = g;
            if (g.InputLength < WorkerPool.ParallelThreshold) work(-1);
            else pool.Run(work);
            this.x = this.y = null;
            this.argmax = null;
        }
    }

    void ForwardWorker(int worker)
    {
        // locals: the JIT cannot keep fields in registers across stores through pointers
        var g = this.g;
        float* x = this.x, y = this.y;
        int* argmax = this.argmax;
        var (start, end) = pool.Share(worker, g.Batch * g.Channels);
        int inPlane = g.InH * g.InW, outPlane = g.OutH * g.OutW;
        for (int plane = start; plane < end; plane++)
        {
            int xPlane = plane * inPlane;
            for (int oh = 0; oh < g.OutH; oh++)
            {
                int h0 = oh * g.StrideH - g.PadH;
                int hStart = Math.Max(h0, 0), hEnd = Math.Min(h0 + g.KernelH, g.InH);
                int o = plane * outPlane + oh * g.OutW;
                for (int ow = 0; ow < g.OutW; ow++, o++)
                {
                    int w0 = ow * g.StrideW - g.PadW;
                    int wStart = Math.Max(w0, 0), wEnd = Math.Min(w0 + g.KernelW, g.InW);
                    float best = float.NegativeInfinity;
                    int bestAt = xPlane + hStart * g.InW + wStart;
                    for (int ih = hStart; ih < hEnd; ih++)
                    {
                        int row = xPlane + ih * g.InW;
                        for (int iw = wStart; iw < wEnd; iw++)
                        {
                            float v = x[row + iw];
                            if (v > best || float.IsNaN(v))
                            {
                                best = v;
                                bestAt = row + iw;
                            }
                        }
                    }
                    y[o] = best;
                    argmax[o] = bestAt;
                }
            }
        }
    }

    void BackwardWorker(int worker)
    {
        var g = this.g;
        float* dx = x, dy = y;
        int* argmax = this.argmax;
        var (start, end) = pool.Share(worker, g.Batch * g.Channels);
        int inPlane = g.InH * g.InW, outPlane = g.OutH * g.OutW;
        for (int plane = start; plane < end; plane++)
        {
            int xPlane = plane * inPlane;
            new Span<float>(dx + xPlane, inPlane).Clear();
            for (int o = plane * outPlane; o < (plane + 1) * outPlane; o++)
            {
                // the forward pass names an input of the same plane; anything else would write outside dx
                int at = argmax[o];
                if ((uint)(at - xPlane) < (uint)inPlane) dx[at] += dy[o];
            }
        }
    }
}
