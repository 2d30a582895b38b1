using System.Numerics;
using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// The class embedding on host memory for the CPU accelerator, with the kernels' semantics
/// (<see cref="EmbeddingForward"/>, <see cref="EmbeddingBackward"/>): forward copies table rows (a label outside
/// [0, classes) gives a NaN row); backward adds to each table element the sum of dy over the rows with that label,
/// summed from 0 in row order n = 0..N-1 and then added to dTable, as the kernel does per element (rows with a label
/// out of range are skipped). The rows are grouped by label once per call (a counting sort that keeps row order);
/// every element is then computed independently, so the results are bit-identical to the ILGPU kernels whatever the
/// thread count. Work is split into contiguous whole-vector chunks of the output; small calls run on the calling thread.
/// </summary>
public sealed unsafe class HostEmbedding
{
    readonly WorkerPool pool;
    readonly Action<int> forward, backward;
    int* labels;
    float* src, dst;
    int classes, dim, length;
    // backward: the rows with label k are order[starts[k] .. starts[k + 1]), ascending
    int[] order = [], starts = [];

    public HostEmbedding(WorkerPool pool)
    {
        this.pool = pool;
        forward = ForwardWorker;
        backward = BackwardWorker;
    }

    // y: (N, dim) = table[labels[n], :], a NaN row for a label outside [0, classes)
    public void Forward(int* labels, float* table, float* y, int n, int classes, int dim)
    {
        lock (pool)
        {
            this.labels = labels; src = table; dst = y; this.classes = classes; this.dim = dim;
            Run(forward, n * dim, n * dim);
        }
    }

    // dTable: (classes, dim) += sum over the rows n (in order) with labels[n] == k of dy[n, :]
    public void Backward(int* labels, float* dy, float* dTable, int n, int classes, int dim)
    {
        lock (pool)
        {
            GroupRows(labels, n, classes);
            this.labels = labels; src = dy; dst = dTable; this.classes = classes; this.dim = dim;
            Run(backward, classes * dim, n * dim);
        }
    }

    void Run(Action<int> work, int length, int reads)
    {
        this.length = length;
        if (Math.Max(length, reads) < WorkerPool.ParallelThreshold) work(-1);
        else pool.Run(work);
        labels = null;
        src = dst = null;
    }

    void GroupRows(int* labels, int n, int classes)
    {
        if (starts.Length < classes + 1) starts = new int[classes + 1];
        if (order.Length < n) order = new int[n];
        new Span<int>(starts, 0, classes + 1).Clear();
        for (int r = 0; r < n; r++)
        {
            int k = labels[r];
            if ((uint)k < (uint)classes) starts[k + 1]++;
        }
        for (int k = 0; k < classes; k++) starts[k + 1] += starts[k];
        // fill with a running cursor per class (starts[k] moves to the end of class k), then shift back
        for (int r = 0; r < n; r++)
        {
            int k = labels[r];
            if ((uint)k < (uint)classes) order[starts[k]++] = r;
        }
        for (int k = classes; k > 0; k--) starts[k] = starts[k - 1];
        starts[0] = 0;
    }

    // Contiguous chunks of [0, length), boundaries on whole vectors.
    (int Start, int End) Share(int worker)
    {
        int v = Vector<float>.Count;
        var (s, e) = pool.Share(worker, (length + v - 1) / v);
        return (Math.Min(s * v, length), Math.Min(e * v, length));
    }

    void ForwardWorker(int worker)
    {
        var (s, e) = Share(worker);
        int* labels = this.labels;
        float* table = src, y = dst;
        int dim = this.dim, classes = this.classes;
        for (int i = s; i < e;)
        {
            int row = i / dim, d = i - row * dim;
            int count = Math.Min(e - i, dim - d);
            int label = labels[row];
            var to = new Span<float>(y + i, count);
            if ((uint)label < (uint)classes) new ReadOnlySpan<float>(table + (long)label * dim + d, count).CopyTo(to);
            else to.Fill(float.NaN);
            i += count;
        }
    }

    void BackwardWorker(int worker)
    {
        var (s, e) = Share(worker);
        float* dy = src, dTable = dst;
        int dim = this.dim, w = Vector<float>.Count;
        fixed (int* order = this.order)
        fixed (int* starts = this.starts)
        {
            for (int i = s; i < e;)
            {
                int k = i / dim, d0 = i - k * dim;
                int d1 = Math.Min(dim, d0 + (e - i));
                int* first = order + starts[k], last = order + starts[k + 1];
                float* t = dTable + (long)k * dim;
                int d = d0;
                // four vectors at a time: each is the kernel's per-element sum 0 + dy[n0] + dy[n1] + ... in row order
                for (; d + 4 * w <= d1; d += 4 * w)
                {
                    Vector<float> s0 = Vector<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                    for (int* r = first; r < last; r++)
                    {
                        float* g = dy + (long)*r * dim + d;
                        s0 += Vector.Load(g);
                        s1 += Vector.Load(g + w);
                        s2 += Vector.Load(g + 2 * w);
                        s3 += Vector.Load(g + 3 * w);
                    }
                    (Vector.Load(t + d) + s0).Store(t + d);
                    (Vector.Load(t + d + w) + s1).Store(t + d + w);
                    (Vector.Load(t + d + 2 * w) + s2).Store(t + d + 2 * w);
                    (Vector.Load(t + d + 3 * w) + s3).Store(t + d + 3 * w);
                }
                for (; d + w <= d1; d += w)
                {
                    var sum = Vector<float>.Zero;
                    for (int* r = first; r < last; r++) sum += Vector.Load(dy + (long)*r * dim + d);
                    (Vector.Load(t + d) + sum).Store(t + d);
                }
                for (; d < d1; d++)
                {
                    float sum = 0f;
                    for (int* r = first; r < last; r++) sum += dy[(long)*r * dim + d];
                    t[d] += sum;
                }
                i += d1 - d0;
            }
        }
    }
}
