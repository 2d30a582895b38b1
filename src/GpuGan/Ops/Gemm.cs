using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// The one dispatch point for matrix products: Linear and every convolution pass reach their GEMM here.
/// Variants: host SIMD (<see cref="HostGemm"/>); CPU family: ILGPU's kernel with one thread per 4x4 register
/// tile; GPU family: 64x64 shared-memory tiles with the reduction split across the grid (<see cref="SplitFor"/>), and
/// one thread group per row when C has one column (<see cref="GemvRows"/>). Convolutions build their batched forms with <see cref="Batched"/>.
/// </summary>
public static class Gemm
{
    internal delegate void GemmLaunch(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmParams p, string name, double flops, double bytes);

    internal static readonly OpVariants<GemmLaunch> Variants = new OpVariants<GemmLaunch>("Gemm")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, GemmParams, GemmSplit>(GemmSharedTiled.Kernel);
            var gemv = dev.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams>(GemvRows.Kernel);
            // The split GEMMs' partial tiles and one arrival counter per C tile: one pair per device, grown to the
            // largest GEMM's need in the first step. The counters start at zero and the kernel leaves them at zero.
            MemoryBuffer1D<float, Stride1D.Dense>? partial = null;
            var tileArrivals = dev.Accelerator.Allocate1D<int>(1);
            tileArrivals.MemSetToZero();
            return (a, b, c, p, name, flops, bytes) =>
            {
                if (p.N == 1)
                {
                    using var _ = dev.Launch(name, ":GemvRows", flops, bytes);
                    gemv(new KernelConfig(new Index2D(p.M, p.OutputBatches), new Index2D(GroupReduce.GroupSize, 1)), a, b, c, p);
                    return;
                }
                var split = SplitFor(p);
                var grid = new Index3D((p.N + GemmSharedTiled.TileMN - 1) / GemmSharedTiled.TileMN,
                    (p.M + GemmSharedTiled.TileMN - 1) / GemmSharedTiled.TileMN, p.OutputBatches * split.Splits);
                long need = Math.Max(1L, (long)p.OutputBatches * split.Splits * p.M * p.N);
                long tiles = (long)grid.X * grid.Y * p.OutputBatches;
                if (split.Splits > 1 && (partial == null || partial.Length < need))
                {
                    partial?.Dispose();
                    partial = dev.Accelerator.Allocate1D<float>(need);
                }
                if (split.Splits > 1 && tileArrivals.Length < tiles)
                {
                    tileArrivals.Dispose();
                    tileArrivals = dev.Accelerator.Allocate1D<int>(tiles);
                    tileArrivals.MemSetToZero();
                }
                ArrayView<float> partialView = split.Splits > 1 ? partial!.View.AsContiguous() : c;
                using (dev.Launch(name, ":GemmSharedTiled", flops, bytes))
                    k(new KernelConfig(grid, new Index3D(GemmSharedTiled.GroupSide, GemmSharedTiled.GroupSide, 1)), a, b, c, partialView,
                        tileArrivals.View.AsContiguous(), p, split);
            };
        }, OpVariant.GpuFamily)
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmParams, ElementRange>(GemmRegisterTiled.Kernel);
            return (a, b, c, p, name, flops, bytes) =>
            {
                using var _ = dev.Launch(name, ":GemmRegisterTiled", flops, bytes);
                var r = dev.Range(GemmRegisterTiled.TileCount(p));
                k(r.Threads, a, b, c, p, r);
            };
        }, OpVariant.CpuFamily)
        .Register(dev => (a, b, c, p, name, flops, bytes) =>
        {
            using var _ = dev.Launch(name, ":HostGemm", flops, bytes);
            // The host reads and writes the CPU accelerator's buffers directly: kernels queued before must be done.
            dev.Synchronize();
            unsafe { dev.HostGemm.Run(HostMemory.Pointer(a), HostMemory.Pointer(b), HostMemory.Pointer(c), p); }
        }, OpVariant.HostSimd);

    /// <summary>Serial reduction steps (tiles of <see cref="GemmSharedTiled.TileK"/> over K, times the summed batch) one GPU
    /// block may take: weight gradients sum over the batch, and one block doing all of it left the GPU idle.</summary>
    public const int MaxSerialSteps = 64;

    /// <summary>Blocks a GPU GEMM should give the card (two per SM of a 132-SM H100/H200), when the reduction allows.</summary>
    public const int TargetBlocks = 264;

    /// <summary>How the GPU GEMM cuts its reduction: enough splits that no block takes more than
    /// <see cref="MaxSerialSteps"/> steps, and more while the grid has fewer than <see cref="TargetBlocks"/> blocks
    /// (each split keeping at least one step), but for occupancy no more than √steps: the last block of a tile sums
    /// all its splits' partials alone, so S splits cost about steps/S + S (on an H200, D.conv1's weight gradient,
    /// 832 steps on one tile, took 0.19 ms as 208 splits of 4 against 0.07 ms with a separate reduction pass); no
    /// split is left empty.</summary>
    public static GemmSplit SplitFor(in GemmParams p)
    {
        long kTiles = (p.K + GemmSharedTiled.TileK - 1) / GemmSharedTiled.TileK;
        long total = p.ProductBatches * kTiles;
        long blocks = (long)((p.M + GemmSharedTiled.TileMN - 1) / GemmSharedTiled.TileMN) * ((p.N + GemmSharedTiled.TileMN - 1) / GemmSharedTiled.TileMN) * p.OutputBatches;
        long balanced = (long)Math.Ceiling(Math.Sqrt(total));
        long splits = Math.Max((total + MaxSerialSteps - 1) / MaxSerialSteps, Math.Min(balanced, (TargetBlocks + blocks - 1) / blocks));
        splits = Math.Clamp(splits, 1, total);
        long steps = (total + splits - 1) / splits;
        return new GemmSplit { Splits = (int)((total + steps - 1) / steps), StepsPerSplit = (int)steps };
    }

    /// <summary>Sees every GEMM's parameters and name at the dispatch point (tests: the shapes of a training step).</summary>
    internal static readonly AsyncLocal<Action<GemmParams, string>?> Observer = new();

    public static void Run(ComputeDevice dev, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmParams p, string name = "gemm")
    {
        Validate(a, b, c, p);
        Observer.Value?.Invoke(p, name);
        double flops = 2.0 * p.M * p.N * p.K * p.BatchCount;
        double bytes = 4.0 * ((double)p.M * p.K * p.BatchCount + (double)p.K * p.N * p.BatchCount + (double)p.M * p.N * p.OutputBatches * (p.Beta == 0 ? 1 : 2));
        Variants.For(dev)(a, b, c, p, name, flops, bytes);
    }

    /// <summary>Builds the parameters of C = alpha * op(A) op(B) + beta * C for dense row-major matrices.</summary>
    public static GemmParams Dense(int m, int n, int k, bool transposeA, bool transposeB, float alpha = 1f, float beta = 0f)
    {
        return new GemmParams
        {
            M = m, N = n, K = k, BatchCount = 1,
            ARowStride = transposeA ? 1 : k, AColStride = transposeA ? m : 1,
            BRowStride = transposeB ? 1 : n, BColStride = transposeB ? k : 1,
            CRowStride = n,
            Alpha = alpha, Beta = beta,
        };
    }

    /// <summary>
    /// C = alpha * op(A) op(B) + beta * C over a batch of dense row-major matrices, the form of every convolution
    /// pass: A is one matrix for the whole batch when sharedA (the weight), and the products are summed into one C
    /// when sumBatch (the weight gradient).
    /// </summary>
    public static void Batched(ComputeDevice dev, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, int batch,
        bool transposeA, bool transposeB, bool sharedA, bool sumBatch, float alpha = 1f, float beta = 0f, string name = "gemm") =>
        Run(dev, a, b, c, new GemmParams
        {
            M = m, N = n, K = k, BatchCount = batch, ReduceBatch = sumBatch ? 1 : 0,
            ARowStride = transposeA ? 1 : k, AColStride = transposeA ? m : 1, ABatchStride = sharedA ? 0 : m * k,
            BRowStride = transposeB ? 1 : n, BColStride = transposeB ? k : 1, BBatchStride = k * n,
            CRowStride = n, CBatchStride = sumBatch ? 0 : m * n,
            Alpha = alpha, Beta = beta,
        }, name);

    // The CPU accelerator does not bounds-check: a wrong stride would silently write outside a buffer.
    static void Validate(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, in GemmParams p)
    {
        if (p.M <= 0 || p.N <= 0 || p.K <= 0 || p.BatchCount <= 0)
            throw new ArgumentException($"GEMM sizes must be positive: M={p.M} N={p.N} K={p.K} batch={p.BatchCount}");
        int last = p.BatchCount - 1;
        long aMax = p.AOffset + (long)last * p.ABatchStride + (long)(p.M - 1) * p.ARowStride + (long)(p.K - 1) * p.AColStride;
        long bMax = p.BOffset + (long)last * p.BBatchStride + (long)(p.K - 1) * p.BRowStride + (long)(p.N - 1) * p.BColStride;
        long cMax = p.COffset + (long)(p.OutputBatches - 1) * p.CBatchStride + (long)(p.M - 1) * p.CRowStride + (p.N - 1);
        if (aMax >= a.Length || bMax >= b.Length || cMax >= c.Length)
            throw new ArgumentException($"GEMM reaches past a buffer: A {aMax}/{a.Length}, B {bMax}/{b.Length}, C {cMax}/{c.Length}");
    }
}
