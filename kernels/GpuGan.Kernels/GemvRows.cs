using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// GEMM with one column (N = 1: a matrix-vector product, e.g. the discriminator's last Linear): one group of
/// <see cref="GroupReduce.GroupSize"/> threads per row of C, its threads striding over the reduction (the summed batch
/// times K) so consecutive threads read consecutive elements of a k-contiguous A, then a fixed-order tree sum:
/// deterministic. A 64x64 GEMM tile would leave 63 of its 64 columns idle. Grid: (rows, output batches).
/// </summary>
public static class GemvRows
{
    // a, b, c: flat buffers addressed through p's offsets and strides (p.N == 1)
    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmParams p)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.GroupSize);
        int i = Grid.IdxX, g = Grid.IdxY;
        int length = p.ProductBatches * p.K;
        float partial = 0f;
        for (int t = Group.IdxX; t < length; t += Group.DimX)
        {
            int pb = t / p.K, k = t - pb * p.K;
            int batch = p.ReduceBatch != 0 ? pb : g;
            partial += a[p.AOffset + batch * p.ABatchStride + i * p.ARowStride + k * p.AColStride]
                     * b[p.BOffset + batch * p.BBatchStride + k * p.BRowStride];
        }
        float sum = GroupReduce.Sum(partial, scratch);
        if (Group.IdxX != 0) return;
        int idx = p.COffset + g * p.CBatchStride + i * p.CRowStride;
        c[idx] = p.Beta == 0f ? p.Alpha * sum : p.Alpha * sum + p.Beta * c[idx];
    }
}
