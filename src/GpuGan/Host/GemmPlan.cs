using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// How the host GEMM lays a strided batched product out as plain GEMMs of M' x N' x K', and how it cuts C
/// into tiles. Batches fold into a dimension where the strides allow:
/// ReduceBatch: the batch joins the reduction (K' = batch * K, batch outer, k inner);
/// A shared by every batch (ABatchStride 0): the batches sit side by side as columns (N' = batch * N);
/// B shared (BBatchStride 0): as rows (M' = batch * M); otherwise one GEMM per batch (Groups = batch).
/// Every element address is a row part plus a column part (plus a k part), so packing needs no divisions.
/// </summary>
public readonly struct GemmPlan
{
    /// <summary>Row block (at the full Kc; up to McLimit when the reduction is shorter), column block, reduction step.</summary>
    public const int McMax = 96, McLimit = 192, NcMax = 256, Kc = 256;

    public readonly GemmParams P;
    public readonly int Groups, Rows, Cols, Depth;
    public readonly bool Reduce, MergeRows, MergeCols;
    public readonly int Mc, Nc, TilesM, TilesN;

    /// <param name="workers">tiles are narrowed until there are TilesPerWorker per worker (when the product is large enough).</param>
    public GemmPlan(in GemmParams p, int workers = 1)
    {
        P = p;
        bool batched = p.BatchCount > 1;
        Reduce = batched && p.ReduceBatch != 0;
        MergeCols = batched && !Reduce && p.ABatchStride == 0;
        MergeRows = batched && !Reduce && !MergeCols && p.BBatchStride == 0;
        Groups = batched && !Reduce && !MergeCols && !MergeRows ? p.BatchCount : 1;
        Rows = MergeRows ? p.BatchCount * p.M : p.M;
        Cols = MergeCols ? p.BatchCount * p.N : p.N;
        Depth = Reduce ? p.BatchCount * p.K : p.K;
        // Keep the packed A panel (Mc x kc) about the same size when the reduction is short.
        int kc = Math.Min(Kc, Depth);
        int mcCap = Math.Clamp(McMax * Kc / kc / GemmMicroKernel.Mr * GemmMicroKernel.Mr, McMax, McLimit);
        TilesM = (Rows + mcCap - 1) / mcCap;
        TilesN = (Cols + NcMax - 1) / NcMax;
        Mc = RoundUp((Rows + TilesM - 1) / TilesM, GemmMicroKernel.Mr);
        Nc = RoundUp((Cols + TilesN - 1) / TilesN, GemmMicroKernel.Nr);
        TilesM = (Rows + Mc - 1) / Mc;
        TilesN = (Cols + Nc - 1) / Nc;
        // Enough tiles that workers balance (a loaded machine may stall one); narrower column blocks first.
        // Tile sizes never change an element's summation order (only Kc does), so results stay bit-identical
        // whatever the worker count.
        int minTasks = TilesPerWorker * Math.Max(1, workers);
        while (Groups * TilesM * TilesN < minTasks && Nc > 4 * GemmMicroKernel.Nr)
        {
            Nc = RoundUp(Nc / 2, GemmMicroKernel.Nr);
            TilesN = (Cols + Nc - 1) / Nc;
        }
    }

    /// <summary>Tiles per worker the column blocks are narrowed towards (smaller tiles pack more per flop).</summary>
    public const int TilesPerWorker = 4;

    public int TaskCount => Groups * TilesM * TilesN;
    public double Flops => 2.0 * Rows * Cols * Depth * Groups;

    public static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    // Which batch an outer group index addresses (0 when the batches are folded into a dimension).
    int GroupBatch(int g) => Groups > 1 ? g : 0;

    public long ARow(int g, int i) => MergeRows
        ? P.AOffset + (long)(i / P.M) * P.ABatchStride + (long)(i % P.M) * P.ARowStride
        : P.AOffset + (long)GroupBatch(g) * P.ABatchStride + (long)i * P.ARowStride;

    public long AK(int k) => Reduce
        ? (long)(k / P.K) * P.ABatchStride + (long)(k % P.K) * P.AColStride
        : (long)k * P.AColStride;

    public long BCol(int g, int j) => MergeCols
        ? P.BOffset + (long)(j / P.N) * P.BBatchStride + (long)(j % P.N) * P.BColStride
        : P.BOffset + (long)GroupBatch(g) * P.BBatchStride + (long)j * P.BColStride;

    public long BK(int k) => Reduce
        ? (long)(k / P.K) * P.BBatchStride + (long)(k % P.K) * P.BRowStride
        : (long)k * P.BRowStride;

    public long CRow(int g, int i) => MergeRows
        ? P.COffset + (long)(i / P.M) * P.CBatchStride + (long)(i % P.M) * P.CRowStride
        : P.COffset + (long)GroupBatch(g) * P.CBatchStride + (long)i * P.CRowStride;

    public long CCol(int j) => MergeCols ? (long)(j / P.N) * P.CBatchStride + j % P.N : j;
}
