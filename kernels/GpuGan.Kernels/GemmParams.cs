namespace GpuGan.Kernels;

/// <summary>
/// Strided batched GEMM: C[g] = Alpha * sum_b op(A)[g,b] * op(B)[g,b] + Beta * C[g].
/// A element (b, i, k) lives at AOffset + b*ABatchStride + i*ARowStride + k*AColStride, so a transpose
/// is just swapped strides. With ReduceBatch = 1 all BatchCount products are summed into one C
/// (weight gradients summed over the images of a batch, in a fixed order: deterministic).
/// </summary>
public struct GemmParams
{
    public int M, N, K;
    public int BatchCount;
    public int ReduceBatch;
    public int AOffset, ARowStride, AColStride, ABatchStride;
    public int BOffset, BRowStride, BColStride, BBatchStride;
    public int COffset, CRowStride, CBatchStride;
    public float Alpha, Beta;

    /// <summary>Number of C matrices written: 1 when reducing over the batch.</summary>
    public readonly int OutputBatches => ReduceBatch != 0 ? 1 : BatchCount;
    public readonly int ProductBatches => ReduceBatch != 0 ? BatchCount : 1;
}
