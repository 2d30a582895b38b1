using ILGPU;

namespace GpuGan.Kernels;

/// <summary>How a GPU GEMM's reduction (over the summed batch and K, in tiles of <see cref="GemmSharedTiled.TileK"/>)
/// is cut across the grid: each of <see cref="Splits"/> blocks per C tile takes <see cref="StepsPerSplit"/>
/// consecutive steps; with more than one split the blocks write partial tiles and the last block of each C tile sums them.</summary>
public struct GemmSplit
{
    public int Splits;
    public int StepsPerSplit;
}

/// <summary>
/// GEMM for GPUs: a group of 16x16 threads computes a 64x64 tile of C, each thread a 4x4 sub-tile in registers
/// (sixteen locals: an indexed array would live in local memory), staging 64x16 slices of A and 16x64 slices of B
/// through shared memory. Each operand is staged in the order its memory runs (k-major or m/n-major, by its
/// strides), so a warp's loads are coalesced whether or not the operand is transposed. Grid: (tiles of N, tiles of
/// M, output batches x splits). The reduction steps (batch x K tiles) are cut into consecutive runs, one per split,
/// each summed in a fixed order. With more than one split every block writes its partial tile to the workspace and
/// counts itself in its C tile's arrival counter; the block that arrives last sums the tile's partials in split
/// order (not arrival order: deterministic) and writes C, all in one launch, then zeroes the counter for the next GEMM.
/// </summary>
public static class GemmSharedTiled
{
    public const int TileMN = 64;
    public const int TileK = 16;
    public const int GroupSide = 16;

    // a, b, c: flat buffers addressed through p's offsets and strides; partial: (output batches, splits, M, N);
    // tileArrivals: one counter per C tile (output batch, tile row, tile column), zero between launches
    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> partial, ArrayView<int> tileArrivals,
        GemmParams p, GemmSplit split)
    {
        var aTile = SharedMemory.Allocate<float>(TileMN * TileK); // [m][k]
        var bTile = SharedMemory.Allocate<float>(TileK * TileMN); // [k][n]
        var blockIsLast = SharedMemory.Allocate<int>(1);
        int tx = Group.IdxX, ty = Group.IdxY;
        int tid = ty * GroupSide + tx;
        int rowBase = Grid.IdxY * TileMN, colBase = Grid.IdxX * TileMN;
        int g = Grid.IdxZ / split.Splits, s = Grid.IdxZ % split.Splits;
        bool aKMajor = p.AColStride == 1, bNMajor = p.BColStride == 1 || p.BRowStride != 1;

        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;

        int kTiles = (p.K + TileK - 1) / TileK;
        int total = p.ProductBatches * kTiles;
        int first = s * split.StepsPerSplit;
        int last = first + split.StepsPerSplit < total ? first + split.StepsPerSplit : total;
        for (int step = first; step < last; step++)
        {
            int pb = step / kTiles;
            int k0 = (step - pb * kTiles) * TileK;
            int batch = p.ReduceBatch != 0 ? pb : g;
            int aBase = p.AOffset + batch * p.ABatchStride;
            int bBase = p.BOffset + batch * p.BBatchStride;
            // 1024 elements of each tile, 256 threads: 4 loads each, consecutive threads on consecutive addresses.
            for (int l = 0; l < 4; l++)
            {
                int e = tid + l * GroupSide * GroupSide;
                int am = aKMajor ? e / TileK : e % TileMN, ak = aKMajor ? e % TileK : e / TileMN;
                int gi = rowBase + am, gk = k0 + ak;
                aTile[am * TileK + ak] = gi < p.M && gk < p.K ? a[aBase + gi * p.ARowStride + gk * p.AColStride] : 0f;
                int bn = bNMajor ? e % TileMN : e / TileK, bk = bNMajor ? e / TileMN : e % TileK;
                int gj = colBase + bn, gk2 = k0 + bk;
                bTile[bk * TileMN + bn] = gj < p.N && gk2 < p.K ? b[bBase + gk2 * p.BRowStride + gj * p.BColStride] : 0f;
            }
            Group.Barrier();
            for (int kk = 0; kk < TileK; kk++)
            {
                float a0 = aTile[ty * TileK + kk], a1 = aTile[(ty + 16) * TileK + kk];
                float a2 = aTile[(ty + 32) * TileK + kk], a3 = aTile[(ty + 48) * TileK + kk];
                float b0 = bTile[kk * TileMN + tx], b1 = bTile[kk * TileMN + tx + 16];
                float b2 = bTile[kk * TileMN + tx + 32], b3 = bTile[kk * TileMN + tx + 48];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier();
        }

        int i = rowBase + ty, j = colBase + tx;
        if (split.Splits == 1)
        {
            StoreRow(c, p, g, i, j, c00, c01, c02, c03);
            StoreRow(c, p, g, i + 16, j, c10, c11, c12, c13);
            StoreRow(c, p, g, i + 32, j, c20, c21, c22, c23);
            StoreRow(c, p, g, i + 48, j, c30, c31, c32, c33);
            return;
        }

        int at = (g * split.Splits + s) * p.M * p.N;
        PartialRow(partial, p, at, i, j, c00, c01, c02, c03);
        PartialRow(partial, p, at, i + 16, j, c10, c11, c12, c13);
        PartialRow(partial, p, at, i + 32, j, c20, c21, c22, c23);
        PartialRow(partial, p, at, i + 48, j, c30, c31, c32, c33);
        // The partial tile must be visible device-wide before the counter says it is there.
        MemoryFence.DeviceLevel();
        Group.Barrier();
        int tile = (g * Grid.DimY + Grid.IdxY) * Grid.DimX + Grid.IdxX;
        if (tid == 0)
        {
            int arrivedBefore = Atomic.Add(ref tileArrivals[tile], 1);
            // Acquire side, in the thread that read the counter: the partials counted before are visible from here on.
            MemoryFence.DeviceLevel();
            blockIsLast[0] = arrivedBefore == split.Splits - 1 ? 1 : 0;
        }
        Group.Barrier();
        if (blockIsLast[0] == 0) return;
        // And in every thread of the last block, which reads the other splits' partial tiles next.
        MemoryFence.DeviceLevel();
        int split0At = g * split.Splits * p.M * p.N; // split 0's partial matrix of this output batch
        SumRow(c, partial, p, split, g, split0At, i, j);
        SumRow(c, partial, p, split, g, split0At, i + 16, j);
        SumRow(c, partial, p, split, g, split0At, i + 32, j);
        SumRow(c, partial, p, split, g, split0At, i + 48, j);
        // No other block touches this counter again in this launch: zero it for the next split GEMM.
        if (tid == 0) tileArrivals[tile] = 0;
    }

    static void StoreRow(ArrayView<float> c, GemmParams p, int g, int i, int j, float v0, float v1, float v2, float v3)
    {
        if (i >= p.M) return;
        StoreC(c, p, g, i, j, v0);
        StoreC(c, p, g, i, j + 16, v1);
        StoreC(c, p, g, i, j + 32, v2);
        StoreC(c, p, g, i, j + 48, v3);
    }

    static void PartialRow(ArrayView<float> partial, GemmParams p, int at, int i, int j, float v0, float v1, float v2, float v3)
    {
        if (i >= p.M) return;
        int row = at + i * p.N;
        if (j < p.N) partial[row + j] = v0;
        if (j + 16 < p.N) partial[row + j + 16] = v1;
        if (j + 32 < p.N) partial[row + j + 32] = v2;
        if (j + 48 < p.N) partial[row + j + 48] = v3;
    }

    // The four elements of a thread's row, each summed over the splits in split order (0..S-1, as the partials lie).
    static void SumRow(ArrayView<float> c, ArrayView<float> partial, GemmParams p, GemmSplit split, int g, int split0At, int i, int j)
    {
        if (i >= p.M) return;
        for (int q = 0; q < 4; q++)
        {
            int jq = j + 16 * q;
            if (jq >= p.N) return;
            float sum = 0f;
            int at = split0At + i * p.N + jq;
            for (int s = 0; s < split.Splits; s++) sum += partial[at + s * p.M * p.N];
            StoreC(c, p, g, i, jq, sum);
        }
    }

    static void StoreC(ArrayView<float> c, GemmParams p, int g, int i, int j, float v)
    {
        if (j >= p.N) return;
        int idx = p.COffset + g * p.CBatchStride + i * p.CRowStride + j;
        // Beta == 0 must not read C: it may hold garbage (or NaN poison) before the first write.
        c[idx] = p.Beta == 0f ? p.Alpha * v : p.Alpha * v + p.Beta * c[idx];
    }
}
