using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// GEMM for GPUs: a group of 16x16 threads computes a 64x64 tile of C, each thread a 4x4 sub-tile in
/// registers, staging 64x16 slices of A and 16x64 slices of B through shared memory. Grid: (tiles of N,
/// tiles of M, output batches). The K loop (and the batch loop when reducing) runs in a fixed order, so
/// the result is deterministic.
/// </summary>
public static class GemmSharedTiled
{
    public const int TileMN = 64;
    public const int TileK = 16;
    public const int GroupSide = 16;
    public const int PerThread = TileMN / GroupSide; // 4

    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmParams p)
    {
        var aTile = SharedMemory.Allocate<float>(TileMN * TileK); // [m][k]
        var bTile = SharedMemory.Allocate<float>(TileK * TileMN); // [k][n]
        int tx = Group.IdxX, ty = Group.IdxY;
        int tid = ty * GroupSide + tx;
        int rowBase = Grid.IdxY * TileMN, colBase = Grid.IdxX * TileMN;
        int g = Grid.IdxZ;

        var acc = LocalMemory.Allocate<float>(PerThread * PerThread); // constant indices after unrolling: registers
        for (int q = 0; q < PerThread * PerThread; q++) acc[q] = 0f;

        int products = p.ReduceBatch != 0 ? p.BatchCount : 1;
        for (int pb = 0; pb < products; pb++)
        {
            int batch = p.ReduceBatch != 0 ? pb : g;
            int aBase = p.AOffset + batch * p.ABatchStride;
            int bBase = p.BOffset + batch * p.BBatchStride;
            for (int k0 = 0; k0 < p.K; k0 += TileK)
            {
                // 1024 elements of each tile, 256 threads: 4 loads each.
                for (int l = 0; l < 4; l++)
                {
                    int e = tid + l * GroupSide * GroupSide;
                    int am = e / TileK, ak = e % TileK;
                    int gi = rowBase + am, gk = k0 + ak;
                    aTile[e] = gi < p.M && gk < p.K ? a[aBase + gi * p.ARowStride + gk * p.AColStride] : 0f;
                    int bk = e / TileMN, bn = e % TileMN;
                    int gj = colBase + bn, gk2 = k0 + bk;
                    bTile[e] = gj < p.N && gk2 < p.K ? b[bBase + gk2 * p.BRowStride + gj * p.BColStride] : 0f;
                }
                Group.Barrier();
                for (int kk = 0; kk < TileK; kk++)
                {
                    for (int r = 0; r < PerThread; r++)
                    {
                        float av = aTile[(ty + r * GroupSide) * TileK + kk];
                        for (int s = 0; s < PerThread; s++)
                            acc[r * PerThread + s] += av * bTile[kk * TileMN + tx + s * GroupSide];
                    }
                }
                Group.Barrier();
            }
        }

        int cBase = p.COffset + g * p.CBatchStride;
        for (int r = 0; r < PerThread; r++)
        {
            int i = rowBase + ty + r * GroupSide;
            if (i >= p.M) continue;
            for (int s = 0; s < PerThread; s++)
            {
                int j = colBase + tx + s * GroupSide;
                if (j >= p.N) continue;
                int idx = cBase + i * p.CRowStride + j;
                float v = p.Alpha * acc[r * PerThread + s];
                c[idx] = p.Beta == 0f ? v : v + p.Beta * c[idx];
            }
        }
    }
}
