using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Kernels;
using GpuGan.Ops;
using GpuGan.Training;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// The GPU GEMM's split reduction (issue 10): the plan keeps every block's serial work bounded, and the split path
/// (partial tiles summed in split order by the last block of each C tile, in the same launch) computes what a
/// float64 reference does, bit for bit what the split-order sum does in float.
/// </summary>
[Collection(GpuFamilyCollection.Name)]
public sealed class GemmSplitTests(GpuFamilyOnCpuFixture gpu, ITestOutputHelper output)
{
    static GemmParams Case(int m, int n, int k, int batch, bool transposeA, bool transposeB, bool sharedA, bool sumBatch, float alpha, float beta) => new()
    {
        M = m, N = n, K = k, BatchCount = batch, ReduceBatch = sumBatch ? 1 : 0,
        ARowStride = transposeA ? 1 : k, AColStride = transposeA ? m : 1, ABatchStride = sharedA ? 0 : m * k,
        BRowStride = transposeB ? 1 : n, BColStride = transposeB ? k : 1, BBatchStride = k * n,
        CRowStride = n, CBatchStride = sumBatch ? 0 : m * n,
        Alpha = alpha, Beta = beta,
    };

    public static TheoryData<int, int, int, int, bool, bool, bool, bool, float, float> Cases() => new()
    {
        // m, n, k, batch, transposeA, transposeB, sharedA, sumBatch, alpha, beta
        { 7, 67, 37, 3, false, true, false, true, 1f, 0f },    // a weight gradient: dY (m x n) · colsᵀ summed over the batch
        { 67, 5, 40, 2, true, false, true, false, 1f, 0f },    // backward-data: Wᵀ · dY per image
        { 9, 13, 150, 1, false, false, false, false, 0.5f, 1f }, // long K, accumulating into C
        { 3, 70, 18, 4, true, true, false, true, 2f, -0.25f }, // both transposed, summed, beta
    };

    [Theory, MemberData(nameof(Cases))]
    public void Split_gemm_matches_a_float64_reference(int m, int n, int k, int batch, bool ta, bool tb, bool sharedA, bool sumBatch, float alpha, float beta)
    {
        var p = Case(m, n, k, batch, ta, tb, sharedA, sumBatch, alpha, beta);
        var split = Gemm.SplitFor(p);
        Assert.True(split.Splits > 1, $"the case should split: {split.Splits}");
        MatchesReference(p, sharedA, sumBatch, $"splits {split.Splits} x {split.StepsPerSplit} steps");
    }

    /// <summary>The arrival counters are reset by the kernel itself: the same split GEMM twice in a row, then shapes
    /// with other split counts and tile counts through the same counters, each bit-identical to the partial tiles
    /// (each split's steps in order, in float) summed in split order 0..S-1 on the host, as the second pass did.</summary>
    [Fact]
    public void Back_to_back_split_gemms_reuse_the_counters_and_sum_in_split_order_bit_for_bit()
    {
        var weightGrad = Case(7, 67, 37, 3, false, true, false, true, 1f, 0f);       // 2 tiles, 3 splits
        var perImage = Case(70, 70, 40, 2, false, false, false, false, 0.5f, 1f);    // 8 tiles, 2 splits
        var longK = Case(9, 13, 150, 1, false, false, false, false, 2f, -0.25f);      // 1 tile, 4 splits
        var order = new[] { weightGrad, weightGrad, perImage, longK, weightGrad, perImage };
        Assert.Equal(3, order.Select(p => Gemm.SplitFor(p).Splits).Distinct().Count());
        Assert.All(order, p => Assert.True(Gemm.SplitFor(p).Splits > 1));

        var rng = new Random(11);
        var dev = gpu.Device;
        foreach (var p in order)
        {
            float[] a = Enumerable.Range(0, p.BatchCount * p.M * p.K).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float[] b = Enumerable.Range(0, p.BatchCount * p.K * p.N).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float[] c0 = Enumerable.Range(0, p.OutputBatches * p.M * p.N).Select(_ => p.Beta == 0 ? float.NaN : (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float[] expected = SplitOrderReference(p, a, b, c0);
            float[] got = RunGemm(dev, p, a, b, c0);
            var split = Gemm.SplitFor(p);
            for (int e = 0; e < got.Length; e++)
                Assert.True(BitConverter.SingleToInt32Bits(got[e]) == BitConverter.SingleToInt32Bits(expected[e]),
                    $"M={p.M} N={p.N} K={p.K}, {split.Splits} splits: element {e} is {got[e]:R}, the split-order sum {expected[e]:R}");
        }
    }

    /// <summary>C = op(A) op(B) (+ beta C0) through the dispatch point on <paramref name="dev"/>.</summary>
    static float[] RunGemm(ComputeDevice dev, GemmParams p, float[] a, float[] b, float[] c0)
    {
        using var ta = dev.Allocate(a.Length);
        using var tb = dev.Allocate(b.Length);
        using var tc = dev.Allocate(c0.Length);
        ta.CopyFrom(a);
        tb.CopyFrom(b);
        tc.CopyFrom(c0);
        Gemm.Run(dev, ta.View, tb.View, tc.View, p);
        return tc.ToArray();
    }

    /// <summary>What GemmSharedTiled's split path computes, in its order: each split's steps (tiles of K, times the
    /// summed batch) accumulated in float, zero-padded past K, then the splits' partials summed in split order.</summary>
    static float[] SplitOrderReference(GemmParams p, float[] a, float[] b, float[] c0)
    {
        var split = Gemm.SplitFor(p);
        int kTiles = (p.K + GemmSharedTiled.TileK - 1) / GemmSharedTiled.TileK, total = p.ProductBatches * kTiles;
        var c = (float[])c0.Clone();
        for (int g = 0; g < p.OutputBatches; g++)
            for (int i = 0; i < p.M; i++)
                for (int j = 0; j < p.N; j++)
                {
                    float sum = 0f;
                    for (int s = 0; s < split.Splits; s++)
                    {
                        float part = 0f;
                        for (int step = s * split.StepsPerSplit; step < Math.Min(total, (s + 1) * split.StepsPerSplit); step++)
                        {
                            int pb = step / kTiles, k0 = (step - pb * kTiles) * GemmSharedTiled.TileK;
                            int batch = p.ReduceBatch != 0 ? pb : g;
                            for (int kk = 0; kk < GemmSharedTiled.TileK; kk++)
                            {
                                int k = k0 + kk;
                                float av = k < p.K ? a[batch * p.ABatchStride + i * p.ARowStride + k * p.AColStride] : 0f;
                                float bv = k < p.K ? b[batch * p.BBatchStride + k * p.BRowStride + j * p.BColStride] : 0f;
                                part += av * bv;
                            }
                        }
                        sum += part;
                    }
                    int idx = g * p.CBatchStride + i * p.CRowStride + j;
                    c[idx] = p.Beta == 0f ? p.Alpha * sum : p.Alpha * sum + p.Beta * c[idx];
                }
        return c;
    }

    public static TheoryData<int, int, int, bool, bool, float, float> GemvCases() => new()
    {
        // m, k, batch, transposeA, sumBatch, alpha, beta (N = 1: GemvRows)
        { 37, 700, 1, false, false, 1f, 0f },  // D.fc's forward, shrunk: a row per group, K longer than the group
        { 5, 33, 3, true, true, 0.5f, 1f },    // summed over a batch, A transposed, accumulating
        { 64, 3, 2, false, false, 1f, -2f },   // K shorter than the group, batched outputs
    };

    [Theory, MemberData(nameof(GemvCases))]
    public void One_column_gemm_matches_a_float64_reference(int m, int k, int batch, bool ta, bool sumBatch, float alpha, float beta) =>
        MatchesReference(Case(m, 1, k, batch, ta, false, false, sumBatch, alpha, beta), false, sumBatch, "GemvRows");

    void MatchesReference(GemmParams p, bool sharedA, bool sumBatch, string path)
    {
        int m = p.M, n = p.N, k = p.K, batch = p.BatchCount;
        float alpha = p.Alpha, beta = p.Beta;
        var rng = new Random(Environment.TickCount);
        float[] a = Enumerable.Range(0, (sharedA ? 1 : batch) * m * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, batch * k * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int outputs = sumBatch ? 1 : batch;
        float[] c0 = Enumerable.Range(0, outputs * m * n).Select(_ => beta == 0 ? float.NaN : (float)(rng.NextDouble() * 2 - 1)).ToArray();

        var expected = new double[c0.Length];
        for (int g = 0; g < outputs; g++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int pb = 0; pb < (sumBatch ? batch : 1); pb++)
                    {
                        int bat = sumBatch ? pb : g;
                        for (int kk = 0; kk < k; kk++)
                            sum += (double)a[bat * p.ABatchStride + i * p.ARowStride + kk * p.AColStride] * b[bat * p.BBatchStride + kk * p.BRowStride + j * p.BColStride];
                    }
                    int idx = g * p.CBatchStride + i * n + j;
                    expected[idx] = alpha * sum + (beta == 0 ? 0 : beta * (double)c0[idx]);
                }

        float[] got = RunGemm(gpu.Device, p, a, b, c0);
        for (int e = 0; e < got.Length; e++)
            Assert.True(Math.Abs(got[e] - expected[e]) <= 1e-5 * (1 + Math.Abs(expected[e])) * Math.Sqrt(k * batch),
                $"element {e}: got {got[e]}, expected {expected[e]} ({path})");
    }

    [Fact]
    public void Every_plan_covers_its_reduction_once_within_the_serial_bound()
    {
        var rng = new Random(5);
        for (int t = 0; t < 2000; t++)
        {
            var p = Case(rng.Next(1, 300), rng.Next(1, 300), rng.Next(1, 5000), rng.Next(1, 300), false, false, false, rng.Next(2) == 0, 1f, 0f);
            var s = Gemm.SplitFor(p);
            long total = p.ProductBatches * (long)((p.K + GemmSharedTiled.TileK - 1) / GemmSharedTiled.TileK);
            Assert.InRange(s.StepsPerSplit, 1, Gemm.MaxSerialSteps);
            Assert.True((long)s.Splits * s.StepsPerSplit >= total && (long)(s.Splits - 1) * s.StepsPerSplit < total,
                $"{s.Splits} splits of {s.StepsPerSplit} steps for {total} steps");
        }
    }

    /// <summary>Issue 10's bound: no block of any GEMM of the default DCGAN's training step at batch 64 takes more than
    /// 64 serial reduction steps (D.conv1's and G.deconv2's weight gradients took 832 in one block before the split).</summary>
    [Fact]
    public void No_gemm_of_the_default_dcgan_step_at_batch_64_runs_more_than_64_serial_steps_per_block()
    {
        var seen = new List<(GemmParams P, string Name)>();
        using var dev = ComputeDevice.CreateCpu();
        string dir = Training.TinyRun.TempDir();
        var options = new TrainOptions { OutDir = dir, Iterations = 1, BatchSize = 64, Seed = 3, EvalEvery = 0, CheckpointEvery = 1000, SampleEvery = 1000 };
        using var trainer = new GanTrainer(dev, options, DatasetLoader.LoadEmbedded());
        Gemm.Observer.Value = (p, name) => seen.Add((p, name));
        try { trainer.Step(); }
        finally { Gemm.Observer.Value = null; }

        Assert.True(seen.Count >= 20, $"{seen.Count} GEMMs seen");
        output.WriteLine($"{"gemm",-28} {"M",5} {"N",5} {"K",5} {"batch",5} {"sum",3} {"blocks",7} {"steps before",12} {"splits",6} {"steps",5}");
        foreach (var (p, name) in seen)
        {
            if (p.N == 1)
            {
                // GemvRows: a group of 256 threads per row strides over the whole reduction.
                long perThread = ((long)p.ProductBatches * p.K + GroupReduce.GroupSize - 1) / GroupReduce.GroupSize;
                output.WriteLine($"{name,-28} {p.M,5} {p.N,5} {p.K,5} {p.BatchCount,5} {p.ReduceBatch,3} {(long)p.M * p.OutputBatches,7} {"",12} GemvRows, {perThread} products per thread");
                Assert.True(perThread <= Gemm.MaxSerialSteps * GemmSharedTiled.TileK, $"{name}: {perThread} products per thread");
                continue;
            }
            var s = Gemm.SplitFor(p);
            long blocks = (long)((p.M + 63) / 64) * ((p.N + 63) / 64) * p.OutputBatches;
            long before = p.ProductBatches * (long)((p.K + GemmSharedTiled.TileK - 1) / GemmSharedTiled.TileK);
            output.WriteLine($"{name,-28} {p.M,5} {p.N,5} {p.K,5} {p.BatchCount,5} {p.ReduceBatch,3} {blocks,7} {before,12} {s.Splits,6} {s.StepsPerSplit,5}");
            Assert.True(s.StepsPerSplit <= Gemm.MaxSerialSteps, $"{name}: {s.StepsPerSplit} serial steps per block");
        }
        Assert.Contains(seen, x => x.P.ProductBatches * ((x.P.K + 15) / 16) > Gemm.MaxSerialSteps); // the bound is not vacuous
    }
}

/// <summary>Issue 10's launch budget: on the GPU kernel family every GEMM of a training step is one launch, split or
/// not (the last block of each C tile sums the splits; GemmSplitReduce's second launch is gone).</summary>
[Collection(GpuFamilyCollection.Name)]
public sealed class GemmLaunchCountTests(GpuFamilyOnCpuFixture gpu, ITestOutputHelper output)
{
    sealed class LaunchCounter : IKernelProfiler
    {
        public readonly Dictionary<string, int> ByName = new();
        public void Begin(string kernel) => ByName[kernel] = ByName.GetValueOrDefault(kernel) + 1;
        public void End(string kernel, double flops, double bytes) { }
    }

    [Fact]
    public void Every_gemm_of_a_gpu_family_step_is_one_launch()
    {
        using var t = new GanTrainer(gpu.Device, Training.TinyRun.Options(Training.TinyRun.TempDir(), 3), Training.TinyRun.Data());
        t.Step(); // first allocations (workspace, counters) outside the count
        var counter = new LaunchCounter();
        var gemms = new List<GemmParams>();
        gpu.Device.Profiler = counter;
        Gemm.Observer.Value = (p, _) => gemms.Add(p);
        try { t.Step(); }
        finally
        {
            gpu.Device.Profiler = null;
            Gemm.Observer.Value = null;
        }
        int launches = counter.ByName.Values.Sum();
        int gemmLaunches = counter.ByName.Where(kv => kv.Key.EndsWith(":GemmSharedTiled") || kv.Key.EndsWith(":GemvRows")).Sum(kv => kv.Value);
        int split = gemms.Count(p => p.N != 1 && Gemm.SplitFor(p).Splits > 1);
        output.WriteLine($"{launches} launches per step, {gemms.Count} GEMMs, {split} of them split (a second launch each before)");
        Assert.DoesNotContain(counter.ByName.Keys, k => k.Contains("SplitReduce"));
        Assert.Equal(gemms.Count, gemmLaunches);
        Assert.True(split > 0, "the tiny run should have split GEMMs");
    }
}

/// <summary>Issue 10: three training iterations of the GPU kernel family (simulated on the CPU accelerator, split
/// GEMMs and all) end where the host SIMD path ends: every weight and both losses within 1e-5 relative.</summary>
[Collection(GpuFamilyCollection.Name)]
public sealed class GpuFamilyTrainingTests(GpuFamilyOnCpuFixture gpu)
{
    /// <summary>Biases that feed a BatchNorm have a zero gradient by construction (the batch mean removes them), so
    /// what they get is rounding noise, which Adam scales to full steps of either sign; the running means of those
    /// BatchNorms carry the bias. Neither says anything about the kernels, so they are left out of the comparison.</summary>
    static readonly string[] NoiseDriven =
        ["G.fc.bias", "G.deconv1.bias", "D.conv2.bias", "G.bn0.running_mean", "G.bn1.running_mean", "D.bn2.running_mean"];

    [Fact]
    public void Three_iterations_of_the_gpu_family_match_the_host_path()
    {
        using var host = ComputeDevice.CreateCpu();
        var data = Training.TinyRun.Data();
        (Dictionary<string, float[]> Weights, float LossD, float LossG) Run(ComputeDevice dev)
        {
            using var t = new GanTrainer(dev, Training.TinyRun.Options(Training.TinyRun.TempDir(), 3), data);
            GpuGan.Losses.LossStats s = default;
            for (int i = 0; i < 3; i++) t.Step();
            s = t.ReadLossStats();
            var weights = CheckpointStore.Tensors(t.G).Concat(CheckpointStore.Tensors(t.D)).ToDictionary(x => x.Name, x => x.Value.ToArray());
            return (weights, s.D, s.G);
        }
        var (wHost, dHost, gHost) = Run(host);
        var (wGpu, dGpu, gGpu) = Run(gpu.Device);
        Assert.Equal(wHost.Keys.Order(), wGpu.Keys.Order());
        Assert.All(NoiseDriven, n => Assert.Contains(n, wHost.Keys));
        double worst = Math.Max(Math.Abs(dHost - dGpu) / Math.Abs(dHost), Math.Abs(gHost - gGpu) / Math.Abs(gHost));
        string where = "losses";
        foreach (var (name, h) in wHost.Where(kv => !NoiseDriven.Contains(kv.Key)))
            for (int i = 0; i < h.Length; i++)
            {
                double d = Math.Abs(h[i] - wGpu[name][i]) / Math.Max(1e-3, Math.Abs(h[i]));
                if (d > worst) (worst, where) = (d, $"{name}[{i}]: {h[i]} vs {wGpu[name][i]}");
            }
        Assert.True(worst <= 1e-5, $"largest relative difference {worst:E2} at {where}");
    }
}
