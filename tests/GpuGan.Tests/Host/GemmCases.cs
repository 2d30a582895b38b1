using GpuGan.Kernels;
using GpuGan.Ops;

namespace GpuGan.Tests.Host;

/// <summary>
/// GEMM stride patterns: every one Conv2dOps, ConvTranspose2dOps and LinearOps use, plus generic batched ones
/// (both operands batched; B shared), offsets, Alpha/Beta. Each builds params for M, N, K and a batch count.
/// </summary>
public static class GemmCases
{
    public static readonly int[][] Sizes =
    [
        [1, 1, 1], [5, 17, 63], [63, 65, 130], [130, 5, 17], [17, 130, 65], [65, 63, 1], [130, 130, 130], [1, 130, 5],
        [200, 300, 600],
    ];

    public static readonly Dictionary<string, Func<int, int, int, int, GemmParams>> Patterns = new()
    {
        ["plain"] = (m, n, k, _) => Gemm.Dense(m, n, k, false, false),
        ["transA"] = (m, n, k, _) => Gemm.Dense(m, n, k, true, false),
        ["transB"] = (m, n, k, _) => Gemm.Dense(m, n, k, false, true),
        ["transAB"] = (m, n, k, _) => Gemm.Dense(m, n, k, true, true),
        ["alphaBeta"] = (m, n, k, _) => Gemm.Dense(m, n, k, true, false, alpha: 0.7f, beta: 1.3f),
        ["linearBackwardWeight"] = (m, n, k, _) => Gemm.Dense(m, n, k, true, false, beta: 1f),
        // Conv2d forward / ConvTranspose2d backward-data: W (M x K) shared, columns batched, C batched
        ["convForward"] = (m, n, k, bt) => new GemmParams
        {
            M = m, N = n, K = k, BatchCount = bt, ARowStride = k, AColStride = 1,
            BRowStride = n, BColStride = 1, BBatchStride = k * n, CRowStride = n, CBatchStride = m * n, Alpha = 1f,
        },
        // Conv2d / ConvTranspose2d backward-weight: summed over the batch into one C, B transposed, Beta 1
        ["convBackwardWeight"] = (m, n, k, bt) => new GemmParams
        {
            M = m, N = n, K = k, BatchCount = bt, ReduceBatch = 1, ARowStride = k, AColStride = 1, ABatchStride = m * k,
            BRowStride = 1, BColStride = k, BBatchStride = n * k, CRowStride = n, Alpha = 1f, Beta = 1f,
        },
        // Conv2d backward-data / ConvTranspose2d forward: W^T shared
        ["convBackwardData"] = (m, n, k, bt) => new GemmParams
        {
            M = m, N = n, K = k, BatchCount = bt, ARowStride = 1, AColStride = m,
            BRowStride = n, BColStride = 1, BBatchStride = k * n, CRowStride = n, CBatchStride = m * n, Alpha = 1f,
        },
        ["bothBatchedOffsets"] = (m, n, k, bt) => new GemmParams
        {
            M = m, N = n, K = k, BatchCount = bt, AOffset = 3, ARowStride = 1, AColStride = m + 2, ABatchStride = (m + 2) * k + 1,
            BOffset = 7, BRowStride = n, BColStride = 1, BBatchStride = n * k + 5, COffset = 11, CRowStride = n + 3,
            CBatchStride = (n + 3) * m + 2, Alpha = -1.5f, Beta = 0.5f,
        },
        ["sharedB"] = (m, n, k, bt) => new GemmParams
        {
            M = m, N = n, K = k, BatchCount = bt, ARowStride = k, AColStride = 1, ABatchStride = m * k,
            BRowStride = 1, BColStride = k, CRowStride = n, CBatchStride = m * n, Alpha = 1f,
        },
        ["reduceAlphaBeta0"] = (m, n, k, bt) => new GemmParams
        {
            M = m, N = n, K = k, BatchCount = bt, ReduceBatch = 1, ARowStride = 1, AColStride = m, ABatchStride = m * k,
            BRowStride = n, BColStride = 1, BBatchStride = n * k, COffset = 2, CRowStride = n + 1, Alpha = 2f,
        },
    };

    public static IEnumerable<object[]> All()
    {
        foreach (var name in Patterns.Keys)
            for (int s = 0; s < Sizes.Length; s++)
                yield return [name, s];
    }

    public static GemmParams Make(string pattern, int size)
    {
        var sz = Sizes[size];
        // batched patterns: 3 images, or 2 at the largest size
        int batch = size == Sizes.Length - 1 ? 2 : 3;
        return Patterns[pattern](sz[0], sz[1], sz[2], batch);
    }

    public static long Extent(int offset, int batches, int batchStride, int rows, int rowStride, int cols, int colStride) =>
        offset + (long)(batches - 1) * batchStride + (long)(rows - 1) * rowStride + (long)(cols - 1) * colStride + 1;

    public static (int a, int b, int c) Lengths(in GemmParams p) => (
        (int)Extent(p.AOffset, p.BatchCount, p.ABatchStride, p.M, p.ARowStride, p.K, p.AColStride) + 4,
        (int)Extent(p.BOffset, p.BatchCount, p.BBatchStride, p.K, p.BRowStride, p.N, p.BColStride) + 4,
        (int)Extent(p.COffset, p.OutputBatches, p.CBatchStride, p.M, p.CRowStride, p.N, 1) + 4);

    /// <summary>The GemmParams semantics in float64; C elements not addressed keep their value.</summary>
    public static double[] Reference(in GemmParams p, float[] a, float[] b, float[] c)
    {
        var r = c.Select(x => (double)x).ToArray();
        for (int g = 0; g < p.OutputBatches; g++)
            for (int i = 0; i < p.M; i++)
                for (int j = 0; j < p.N; j++)
                {
                    double s = 0;
                    for (int pb = 0; pb < p.ProductBatches; pb++)
                    {
                        int bt = p.ReduceBatch != 0 ? pb : g;
                        long ab = p.AOffset + (long)bt * p.ABatchStride + (long)i * p.ARowStride;
                        long bb = p.BOffset + (long)bt * p.BBatchStride + (long)j * p.BColStride;
                        for (int k = 0; k < p.K; k++) s += (double)a[ab + (long)k * p.AColStride] * b[bb + (long)k * p.BRowStride];
                    }
                    long ci = p.COffset + (long)g * p.CBatchStride + (long)i * p.CRowStride + j;
                    r[ci] = p.Beta == 0 ? p.Alpha * s : p.Alpha * s + p.Beta * (double)c[ci];
                }
        return r;
    }

    public static float[] Random(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    /// <summary>C's initial contents: NaN poison when Beta == 0 (must never be read), random values otherwise.</summary>
    public static float[] InitialC(Random rng, in GemmParams p, int n) => p.Beta == 0 ? Enumerable.Repeat(float.NaN, n).ToArray() : Random(rng, n);
}
