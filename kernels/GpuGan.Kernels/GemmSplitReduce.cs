using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// The second pass of a split GEMM: C = Alpha * (sum of the splits' partial tiles, in split order) + Beta * C, one
/// thread per element of C.
/// </summary>
public static class GemmSplitReduce
{
    // partial: (output batches, splits, M, N); c: through p's offset and strides
    public static void Kernel(Index1D element, ArrayView<float> partial, ArrayView<float> c, GemmParams p, GemmSplit split)
    {
        int e = ThreadIndex.Global;
        int mn = p.M * p.N;
        if (e >= p.OutputBatches * mn) return;
        int g = e / mn, ij = e - g * mn;
        int i = ij / p.N, j = ij - i * p.N;
        float sum = 0f;
        int at = g * split.Splits * mn + ij;
        for (int s = 0; s < split.Splits; s++) sum += partial[at + s * mn];
        int idx = p.COffset + g * p.CBatchStride + i * p.CRowStride + j;
        c[idx] = p.Beta == 0f ? p.Alpha * sum : p.Alpha * sum + p.Beta * c[idx];
    }
}
