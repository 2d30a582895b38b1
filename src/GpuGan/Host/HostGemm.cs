using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// GEMM on host memory with exactly the semantics of <see cref="GemmParams"/> (any strides, batches,
/// ReduceBatch, Alpha, Beta; Beta == 0 never reads C). Blocked like BLIS: C is cut into tiles
/// (<see cref="GemmPlan"/>), each tile computed by one worker over the whole reduction, in Kc steps: pack
/// a Kc x Nc panel of B and an Mc x Kc panel of A into contiguous slivers, run the Mr x Nr micro-kernel
/// (AVX2 + FMA, or portable) into an accumulator tile, finally C = Alpha * tile + Beta * C.
/// Tiles and the k order depend only on the shape, so results are bit-identical whatever the thread count
/// and whichever worker takes which tile. Workspaces are allocated once per worker.
/// </summary>
public sealed unsafe class HostGemm : IDisposable
{
    /// <summary>Below this many flops a product runs on the calling thread alone.</summary>
    public const double ParallelFlops = 4e5;

    readonly WorkerPool pool;
    readonly GemmWorkspace[] spaces;
    readonly Action<int> work;
    readonly bool ownsPool;

    // the product being computed (set under the pool lock)
    float* a, b, c;
    GemmPlan plan;
    int nextTask;

    public int Workers => pool.Count;

    /// <summary>True: the AVX2 + FMA micro-kernel; false: the portable Vector&lt;float&gt; one.</summary>
    public bool UsesAvx2 { get; }

    /// <summary>A GEMM with its own worker pool.</summary>
    public HostGemm(int workers, bool portable = false) : this(new WorkerPool(Math.Max(1, workers)), portable) => ownsPool = true;

    /// <summary>A GEMM on a pool shared with other host kernels (calls are serialised on the pool).</summary>
    public HostGemm(WorkerPool pool, bool portable = false)
    {
        this.pool = pool;
        spaces = new GemmWorkspace[pool.Count];
        work = Work;
        UsesAvx2 = !portable && GemmMicroKernel.Avx2Fma;
    }

    /// <summary>C = Alpha * sum op(A) op(B) + Beta * C on raw host pointers (bounds are the caller's job).</summary>
    public void Run(float* a, float* b, float* c, in GemmParams p)
    {
        if (p.M <= 0 || p.N <= 0 || p.K <= 0 || p.BatchCount <= 0)
            throw new ArgumentException($"GEMM sizes must be positive: M={p.M} N={p.N} K={p.K} batch={p.BatchCount}");
        lock (pool)
        {
            this.a = a; this.b = b; this.c = c;
            plan = new GemmPlan(p, pool.Count);
            nextTask = 0;
            if (plan.Flops < ParallelFlops || plan.TaskCount == 1) work(0);
            else pool.Run(work);
            this.a = this.b = this.c = null;
        }
    }

    void Work(int worker)
    {
        var ws = spaces[worker] ??= new GemmWorkspace();
        int count = plan.TaskCount;
        for (int t = Interlocked.Increment(ref nextTask) - 1; t < count; t = Interlocked.Increment(ref nextTask) - 1)
            Tile(ws, t);
    }

    void Tile(GemmWorkspace ws, int task)
    {
        ref readonly var pl = ref plan;
        int tn = task % pl.TilesN;
        int rest = task / pl.TilesN;
        int tm = rest % pl.TilesM;
        int g = rest / pl.TilesM;
        int i0 = tm * pl.Mc, j0 = tn * pl.Nc;
        int mLen = Math.Min(pl.Mc, pl.Rows - i0), nLen = Math.Min(pl.Nc, pl.Cols - j0);
        int mPad = GemmPlan.RoundUp(mLen, GemmMicroKernel.Mr), nPad = GemmPlan.RoundUp(nLen, GemmMicroKernel.Nr);
        for (int i = 0; i < mLen; i++) { ws.ARow[i] = pl.ARow(g, i0 + i); ws.CRow[i] = pl.CRow(g, i0 + i); }
        for (int j = 0; j < nLen; j++) { ws.BCol[j] = pl.BCol(g, j0 + j); ws.CCol[j] = pl.CCol(j0 + j); }

        for (int k0 = 0; k0 < pl.Depth; k0 += GemmPlan.Kc)
        {
            int kc = Math.Min(GemmPlan.Kc, pl.Depth - k0);
            for (int k = 0; k < kc; k++) { ws.AK[k] = pl.AK(k0 + k); ws.BK[k] = pl.BK(k0 + k); }
            GemmPacking.PackB(b, ws.BCol, ws.BK, nLen, nPad, kc, ws.PackB, pl.P.BColStride, pl.P.BRowStride);
            GemmPacking.PackA(a, ws.ARow, ws.AK, mLen, mPad, kc, ws.PackA, pl.P.ARowStride, pl.P.AColStride);
            bool accumulate = k0 > 0;
            for (int js = 0; js < nPad; js += GemmMicroKernel.Nr)
            {
                float* bs = ws.PackB + (long)js * kc;
                for (int ir = 0; ir < mPad; ir += GemmMicroKernel.Mr)
                {
                    float* asl = ws.PackA + (long)ir * kc;
                    float* tile = ws.Tile + (long)ir * nPad + js;
                    if (UsesAvx2) GemmMicroKernel.Avx6x16(kc, asl, bs, tile, nPad, accumulate);
                    else GemmMicroKernel.Portable(kc, asl, bs, tile, nPad, accumulate);
                }
            }
        }
        int runs = GemmPacking.FindRuns(ws.CCol, nLen, ws.Runs);
        GemmPacking.Store(c, ws.Tile, nPad, ws.CRow, ws.CCol, ws.Runs, runs, mLen, pl.P.Alpha, pl.P.Beta);
    }

    public void Dispose()
    {
        if (ownsPool) pool.Dispose();
        lock (pool)
            foreach (var s in spaces) s?.Dispose();
    }
}
