using System.Numerics;
using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// The row-wise dot product on host memory for the CPU accelerator, with the kernels' semantics
/// (<see cref="RowDotForward"/>, <see cref="RowDotBackward"/>). Forward sums each row in feature order from 0, as the
/// kernel's thread does, then writes or adds it to y; four rows are summed side by side (independent chains, scalar:
/// a vector sum would change the order). Backward is elementwise, dInput (+)= dy[n] * other, vectorised with the
/// kernel's operations. Forward splits whole rows, backward whole-vector chunks, among the workers, so the results are
/// bit-identical to the ILGPU kernels whatever the thread count; small calls run on the calling thread.
/// </summary>
public sealed unsafe class HostRowDot
{
    readonly WorkerPool pool;
    readonly Action<int> forward, backward;
    float* a, b, c;
    int rows, features;
    bool accumulate;

    public HostRowDot(WorkerPool pool)
    {
        this.pool = pool;
        forward = ForwardWorker;
        backward = BackwardWorker;
    }

    // y: (N) (+)= sum_f a[n, f] * b[n, f]; a, b: (N, features)
    public void Forward(float* a, float* b, float* y, int n, int features, bool accumulate)
    {
        lock (pool) { this.a = a; this.b = b; c = y; Run(forward, n, features, accumulate); }
    }

    // dInput: (N, features) (+)= dy[n] * other[n, f]
    public void Backward(float* dy, float* other, float* dInput, int n, int features, bool accumulate)
    {
        lock (pool) { a = dy; b = other; c = dInput; Run(backward, n, features, accumulate); }
    }

    void Run(Action<int> work, int n, int features, bool accumulate)
    {
        rows = n;
        this.features = features;
        this.accumulate = accumulate;
        if (n * features < WorkerPool.ParallelThreshold) work(-1);
        else pool.Run(work);
        a = b = c = null;
    }

    void ForwardWorker(int worker)
    {
        var (start, end) = pool.Share(worker, rows);
        float* y = c;
        int f = features;
        bool add = accumulate;
        int r = start;
        for (; r + 4 <= end; r += 4)
        {
            float* a0 = a + (long)r * f, b0 = b + (long)r * f;
            float* a1 = a0 + f, b1 = b0 + f, a2 = a1 + f, b2 = b1 + f, a3 = a2 + f, b3 = b2 + f;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int i = 0; i < f; i++)
            {
                s0 += a0[i] * b0[i];
                s1 += a1[i] * b1[i];
                s2 += a2[i] * b2[i];
                s3 += a3[i] * b3[i];
            }
            y[r] = add ? y[r] + s0 : s0;
            y[r + 1] = add ? y[r + 1] + s1 : s1;
            y[r + 2] = add ? y[r + 2] + s2 : s2;
            y[r + 3] = add ? y[r + 3] + s3 : s3;
        }
        for (; r < end; r++)
        {
            float* ar = a + (long)r * f, br = b + (long)r * f;
            float s = 0f;
            for (int i = 0; i < f; i++) s += ar[i] * br[i];
            y[r] = add ? y[r] + s : s;
        }
    }

    void BackwardWorker(int worker)
    {
        int length = rows * features, w = Vector<float>.Count;
        var (vs, ve) = pool.Share(worker, (length + w - 1) / w);
        int s = Math.Min(vs * w, length), e = Math.Min(ve * w, length);
        float* dy = a, other = b, d = c;
        int f = features;
        bool add = accumulate;
        for (int i = s; i < e;)
        {
            int row = i / f;
            int runEnd = (int)Math.Min(e, (long)(row + 1) * f);
            float g = dy[row];
            var vg = new Vector<float>(g);
            if (add)
            {
                for (; i + w <= runEnd; i += w) (Vector.Load(d + i) + vg * Vector.Load(other + i)).Store(d + i);
                for (; i < runEnd; i++) d[i] = d[i] + g * other[i];
            }
            else
            {
                for (; i + w <= runEnd; i += w) (vg * Vector.Load(other + i)).Store(d + i);
                for (; i < runEnd; i++) d[i] = g * other[i];
            }
        }
    }
}
