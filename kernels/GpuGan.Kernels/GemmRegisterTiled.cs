using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// GEMM for the CPU accelerator: barrier-free, one thread per 4x4 tile of C held in registers over the
/// whole K loop. Loads clamp indices to the last row/column so the inner loop has no branches; only the
/// stores are guarded.
/// </summary>
public static class GemmRegisterTiled
{
    public const int Tile = 4;

    public static int TileCount(in GemmParams p) =>
        p.OutputBatches * ((p.M + Tile - 1) / Tile) * ((p.N + Tile - 1) / Tile);

    // a, b, c: flat buffers addressed through p's offsets and strides
    public static void Kernel(Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmParams p, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) KernelAt(i, a, b, c, p);
    }

    static void KernelAt(int index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmParams p)
    {
        int tilesN = (p.N + Tile - 1) / Tile;
        int tilesM = (p.M + Tile - 1) / Tile;
        int t = index;
        int tn = t % tilesN; t /= tilesN;
        int tm = t % tilesM;
        int g = t / tilesM;
        int i0 = tm * Tile, j0 = tn * Tile;
        int i1 = IntrinsicMin(i0 + 1, p.M - 1), i2 = IntrinsicMin(i0 + 2, p.M - 1), i3 = IntrinsicMin(i0 + 3, p.M - 1);
        int j1 = IntrinsicMin(j0 + 1, p.N - 1), j2 = IntrinsicMin(j0 + 2, p.N - 1), j3 = IntrinsicMin(j0 + 3, p.N - 1);

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int products = p.ProductBatches;
        for (int pb = 0; pb < products; pb++)
        {
            int batch = p.ReduceBatch != 0 ? pb : g;
            int aBase = p.AOffset + batch * p.ABatchStride;
            int bBase = p.BOffset + batch * p.BBatchStride;
            int ar0 = aBase + i0 * p.ARowStride, ar1 = aBase + i1 * p.ARowStride;
            int ar2 = aBase + i2 * p.ARowStride, ar3 = aBase + i3 * p.ARowStride;
            int bc0 = bBase + j0 * p.BColStride, bc1 = bBase + j1 * p.BColStride;
            int bc2 = bBase + j2 * p.BColStride, bc3 = bBase + j3 * p.BColStride;
            for (int k = 0; k < p.K; k++)
            {
                int ak = k * p.AColStride, bk = k * p.BRowStride;
                float a0 = a[ar0 + ak], a1 = a[ar1 + ak], a2 = a[ar2 + ak], a3 = a[ar3 + ak];
                float b0 = b[bc0 + bk], b1 = b[bc1 + bk], b2 = b[bc2 + bk], b3 = b[bc3 + bk];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
        }
        int cBase = p.COffset + g * p.CBatchStride;
        Store(c, p, cBase, i0, j0, c00, c01, c02, c03);
        Store(c, p, cBase, i0 + 1, j0, c10, c11, c12, c13);
        Store(c, p, cBase, i0 + 2, j0, c20, c21, c22, c23);
        Store(c, p, cBase, i0 + 3, j0, c30, c31, c32, c33);
    }

    static void Store(ArrayView<float> c, GemmParams p, int cBase, int i, int j0, float v0, float v1, float v2, float v3)
    {
        if (i >= p.M) return;
        int row = cBase + i * p.CRowStride;
        StoreOne(c, p, row, j0, v0);
        StoreOne(c, p, row, j0 + 1, v1);
        StoreOne(c, p, row, j0 + 2, v2);
        StoreOne(c, p, row, j0 + 3, v3);
    }

    static void StoreOne(ArrayView<float> c, GemmParams p, int row, int j, float v)
    {
        if (j >= p.N) return;
        // Beta == 0 must not read C: it may hold garbage (or NaN poison) before the first write.
        c[row + j] = p.Beta == 0f ? p.Alpha * v : p.Alpha * v + p.Beta * c[row + j];
    }

    static int IntrinsicMin(int x, int y) => x < y ? x : y;
}
