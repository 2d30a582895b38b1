using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GpuGan.Device;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace GpuGan.Bench;

/// <summary>
/// "gemm --device cuda": GpuGan's GPU GEMM (<see cref="Ops.Gemm.Batched"/>) at every GEMM shape of the default DCGAN's
/// training step (batch 64; BENCHMARKS.md, "The GPU GEMMs of a DCGAN step"), against a peer at the same shapes on
/// the same data: cuBLAS through ILGPU.Algorithms' bindings when libcublas loads, else <c>torch.matmul</c> in
/// tools/gemm_torch.py when python3 has torch with CUDA. Each peer's result is compared with GpuGan's (the largest
/// difference over the largest magnitude of the output), so a wrong binding or layout cannot pass silently.
/// </summary>
public static class GpuGemmBench
{
    /// <summary>One GEMM of the step: C (M x N, per batch item or summed over the batch) = op(A) op(B), row-major.</summary>
    public sealed record Shape(string Name, int M, int N, int K, int Batch, bool TransposeA, bool TransposeB, bool SharedA, bool SumBatch)
    {
        public long ALength => (SharedA ? 1L : Batch) * M * K;
        public long BLength => (long)Batch * K * N;
        public long CLength => (SumBatch ? 1L : Batch) * M * N;
        public double Flops => 2.0 * M * N * K * Batch;
        public string Dims => $"M{M} N{N} K{K}" + (Batch == 1 ? "" : SumBatch ? $" sum{Batch}" : $" x{Batch}")
                              + (TransposeA ? " A^T" : "") + (TransposeB ? " B^T" : "");
    }

    /// <summary>The 17 distinct GEMMs of a dcgan28 step at batch 64, as GemmSplitTests records them at the dispatch point
    /// (im2col convolutions: conv forward W·cols, data gradient Wᵀ·dY, weight gradient dY·colsᵀ summed; the transposed
    /// convolutions their adjoints; linear layers x·Wᵀ, dYᵀ·x and dY·W).</summary>
    public static IReadOnlyList<Shape> Shapes(int batch = 64) =>
    [
        new("G.fc forward", batch, 6272, 100, 1, false, true, false, false),
        new("G.deconv1 forward", 1024, 49, 128, batch, true, false, true, false),
        new("G.deconv2 forward", 16, 196, 64, batch, true, false, true, false),
        new("D.conv1 forward", 64, 196, 16, batch, false, false, true, false),
        new("D.conv2 forward", 128, 49, 1024, batch, false, false, true, false),
        new("D.fc forward (N = 1)", batch, 1, 6272, 1, false, true, false, false),
        new("D.fc weight gradient", 1, 6272, batch, 1, true, false, false, false),
        new("D.fc data gradient", batch, 6272, 1, 1, false, false, false, false),
        new("D.conv2 weight gradient", 128, 1024, 49, batch, false, true, false, true),
        new("D.conv2 data gradient", 1024, 49, 128, batch, true, false, true, false),
        new("D.conv1 weight gradient", 64, 16, 196, batch, false, true, false, true),
        new("D.conv1 data gradient", 16, 196, 64, batch, true, false, true, false),
        new("G.deconv2 data gradient", 64, 196, 16, batch, false, false, true, false),
        new("G.deconv2 weight gradient", 64, 16, 196, batch, false, true, false, true),
        new("G.deconv1 data gradient", 128, 49, 1024, batch, false, false, true, false),
        new("G.deconv1 weight gradient", 128, 1024, 49, batch, false, true, false, true),
        new("G.fc weight gradient", 6272, 100, batch, 1, true, false, false, false),
    ];

    /// <summary>A peer's result is flagged (and the exit code is 1) above this normwise relative difference.</summary>
    public const double Tolerance = 1e-4;

    public sealed record Row(Shape Shape, Timing.Stats GpuGan, Timing.Stats? Peer, double? RelErr);

    public static int Run(BenchOptions o)
    {
        CheckColumnMajorMapping();
        ComputeDevice dev;
        try { dev = GpuGanSide.CreateDevice(o); }
        catch (Exception e) when (e is DeviceException or ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine($"gemm --device {o.Device}: no such device here ({FirstLine(e.Message)}); nothing measured. " +
                                    "`gemm` without --device measures the CPU accelerator's GEMMs.");
            return 1;
        }
        using (dev)
        {
            if (dev.Kind == DeviceKind.Cpu)
            {
                Console.Error.WriteLine($"gemm --device {o.Device}: no GPU found (it resolved to ILGPU's CPU accelerator); nothing measured. " +
                                        "`gemm` without --device measures the CPU accelerator's GEMMs.");
                return 1;
            }
            return Measure(o, dev);
        }
    }

    static int Measure(BenchOptions o, ComputeDevice dev)
    {
        var shapes = Shapes();
        Console.WriteLine($"GEMM on {GpuGanSide.Describe(dev)}: GpuGan (Ops.Gemm.Batched) against a peer, the default DCGAN step's GEMMs at batch 64");
        Console.WriteLine($"timing: wall time of one call + device synchronize, {o.Warmup} warm-up, median of >= {o.MinReps} calls and >= {o.MinSeconds.ToString(CultureInfo.InvariantCulture)} s; FP32 (no TF32)");

        var rng = new Random(1);
        var data = shapes.Select(s => (A: RandomData(rng, s.ALength), B: RandomData(rng, s.BLength))).ToList();

        // GpuGan first; its outputs are kept for the comparison with the peer.
        var gpugan = new List<(Timing.Stats Stats, float[] C)>();
        foreach (var (s, d) in shapes.Zip(data))
        {
            using var a = dev.Allocate((int)s.ALength); using var b = dev.Allocate((int)s.BLength); using var c = dev.Allocate((int)s.CLength);
            a.CopyFrom(d.A); b.CopyFrom(d.B);
            void Call() { Ops.Gemm.Batched(dev, a.View, b.View, c.View, s.M, s.N, s.K, s.Batch, s.TransposeA, s.TransposeB, s.SharedA, s.SumBatch, name: "bench"); dev.Accelerator.Synchronize(); }
            var stats = Timing.Measure(Call, o.Warmup, o.MinReps, o.MinSeconds);
            c.CopyFrom(new float[s.CLength]);
            dev.Accelerator.Synchronize();   // the copies are done before a call on another stream (cuBLAS's) starts
            Call();
            gpugan.Add((stats, c.ToArray()));
        }

        // The peer: cuBLAS, else torch.matmul, else none (one line says why).
        string peerName = "-";
        List<(Timing.Stats Stats, float[] C)>? peer = null;
        var why = new List<string>();
        if (o.Peer is "auto" or "cublas")
        {
            peer = CuBlasPeer(o, dev, shapes, data, why);
            if (peer != null) peerName = "cuBLAS";
        }
        if (peer == null && o.Peer is "auto" or "torch")
        {
            peer = TorchPeer(o, shapes, data, why, out string version);
            if (peer != null) peerName = version;
        }
        if (peer == null)
            Console.WriteLine(o.Peer == "none" ? "peer: none (--peer none): GpuGan's figures only"
                : $"peer: none measured, GpuGan's figures only: {string.Join("; ", why)}");
        else
        {
            Console.WriteLine($"peer: {peerName}" + (why.Count > 0 ? $" ({string.Join("; ", why)})" : ""));
            if (peerName == "cuBLAS")
                Console.WriteLine("       cublasSgemm once per batch item (ILGPU.Algorithms 1.5.3 binds no strided-batched GEMM; summed batches accumulate with beta = 1),");
            Console.WriteLine("       row-major C = op(A) op(B) computed as column-major C^T = op(B)^T op(A)^T; max rel err = max |C_GpuGan - C_peer| / max |C_peer|");
        }

        var rows = shapes.Select((s, i) => new Row(s, gpugan[i].Stats, peer?[i].Stats,
            peer is null ? null : MaxRelErr(gpugan[i].C, peer[i].C))).ToList();
        Console.WriteLine();
        foreach (var line in Table(rows, peer is null ? null : peerName)) Console.WriteLine(line);
        int bad = rows.Count(r => r.RelErr is double e && !(e <= Tolerance));
        if (bad > 0)
        {
            Console.WriteLine($"MISMATCH: {bad} shape(s) differ from {peerName} by more than {Tolerance:G} (relative); their timings mean nothing until that is fixed");
            return 1;
        }
        return 0;
    }

    /// <summary>The table: GpuGan's ms and GFLOP/s, the peer's, GpuGan / peer and the largest relative difference.</summary>
    public static IEnumerable<string> Table(IReadOnlyList<Row> rows, string? peerName)
    {
        var inv = CultureInfo.InvariantCulture;
        string peer = peerName is null ? "peer" : peerName.Length > 12 ? peerName[..12] : peerName;
        yield return $"{"GEMM",-26} {"shape",-26} {"GpuGan ms",10} {"GFLOP/s",9} {peer + " ms",14} {"GFLOP/s",9} {"GpuGan/peer",11} {"max rel err",11}";
        yield return new string('-', 26 + 26 + 10 + 9 + 14 + 9 + 11 + 11 + 7);
        double sumG = 0, sumP = 0;
        foreach (var r in rows)
        {
            double g = r.Shape.Flops / r.GpuGan.MedianMs / 1e6;
            sumG += r.GpuGan.MedianMs;
            string pMs = "-", pGf = "-", ratio = "-", err = "-";
            if (r.Peer is { } p)
            {
                sumP += p.MedianMs;
                pMs = p.MedianMs.ToString("F4", inv);
                pGf = (r.Shape.Flops / p.MedianMs / 1e6).ToString("F1", inv);
                ratio = (p.MedianMs / r.GpuGan.MedianMs).ToString("G3", inv) + "x";
            }
            if (r.RelErr is double e) err = e.ToString("0.0E+0", inv) + (e <= Tolerance ? "" : " !");
            yield return $"{r.Shape.Name,-26} {r.Shape.Dims,-26} {r.GpuGan.MedianMs.ToString("F4", inv),10} {g.ToString("F1", inv),9} {pMs,14} {pGf,9} {ratio,11} {err,11}";
        }
        yield return new string('-', 26 + 26 + 10 + 9 + 14 + 9 + 11 + 11 + 7);
        yield return $"{"sum of medians",-26} {"",-26} {sumG.ToString("F4", inv),10} {"",9} {(sumP > 0 ? sumP.ToString("F4", inv) : "-"),14} {"",9} {(sumP > 0 ? (sumP / sumG).ToString("G3", inv) + "x" : "-"),11}";
        yield return "GpuGan/peer = peer ms / GpuGan ms (GpuGan GFLOP/s over the peer's): 1x = as fast, 0.5x = half as fast.";
    }

    /// <summary>cuBLAS at the same shapes and data; null (with the reason in <paramref name="why"/>) when libcublas
    /// does not load or a call fails.</summary>
    static List<(Timing.Stats, float[])>? CuBlasPeer(BenchOptions o, ComputeDevice dev, IReadOnlyList<Shape> shapes,
        IReadOnlyList<(float[] A, float[] B)> data, List<string> why)
    {
        if (dev.Accelerator is not CudaAccelerator cuda) { why.Add("cuBLAS: the device is not CUDA"); return null; }
        CuBlas blas;
        try { blas = new CuBlas(cuda); }
        catch (Exception e)
        {
            why.Add($"cuBLAS: libcublas (.so.12/.11/.10) did not load ({e.GetType().Name}: {FirstLine(e.InnerException?.Message ?? e.Message)})");
            return null;
        }
        try
        {
            using (blas)
            {
                var result = new List<(Timing.Stats, float[])>();
                foreach (var (s, d) in shapes.Zip(data))
                {
                    using var a = dev.Allocate((int)s.ALength); using var b = dev.Allocate((int)s.BLength); using var c = dev.Allocate((int)s.CLength);
                    a.CopyFrom(d.A); b.CopyFrom(d.B);
                    dev.Accelerator.Synchronize();
                    void Call() { CuBlasGemm(blas, s, a.View, b.View, c.View); dev.Accelerator.Synchronize(); }
                    var stats = Timing.Measure(Call, o.Warmup, o.MinReps, o.MinSeconds);
                    c.CopyFrom(new float[s.CLength]);
                    dev.Accelerator.Synchronize();
                    Call();
                    result.Add((stats, c.ToArray()));
                }
                return result;
            }
        }
        catch (Exception e) when (e is CuBlasException or DllNotFoundException or EntryPointNotFoundException)
        {
            why.Add($"cuBLAS: a call failed ({e.GetType().Name}: {FirstLine(e.Message)})");
            return null;
        }
    }

    /// <summary>Row-major C (M x N) = op(A) op(B) through column-major cuBLAS: a row-major matrix read column-major is its
    /// transpose, so cuBLAS computes C^T (N x M, ld N) = op(B)^T op(A)^T with B first. B not transposed (K x N row-major)
    /// reads as B^T, wanted as is (N, ld N); B transposed (stored N x K) reads as B, so T (ld K). Likewise A: stored
    /// M x K reads as A^T (N, ld K); stored K x M reads as A (T, ld M).</summary>
    public static void CuBlasGemm(CuBlas blas, Shape s, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        foreach (var g in CuBlasCalls(s))
            blas.Gemm(g.TransposeFirst ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
                g.TransposeSecond ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
                g.M, g.N, g.K, 1f, b.SubView(g.FirstOffset, g.FirstLength), g.Ld1,
                a.SubView(g.SecondOffset, g.SecondLength), g.Ld2, g.Beta, c.SubView(g.COffset, g.CLength), g.Ldc);
    }

    /// <summary>One cublasSgemm: column-major C (M x N, ld Ldc) = op(first) op(second) + Beta C, with first = a slice of
    /// our B and second = a slice of our A (so M, N here are our N, M).</summary>
    public readonly record struct ColumnMajorGemm(bool TransposeFirst, bool TransposeSecond, int M, int N, int K,
        long FirstOffset, long FirstLength, int Ld1, long SecondOffset, long SecondLength, int Ld2, float Beta, long COffset, long CLength, int Ldc);

    public static IEnumerable<ColumnMajorGemm> CuBlasCalls(Shape s)
    {
        int ldb = s.TransposeB ? s.K : s.N, lda = s.TransposeA ? s.M : s.K;
        long aSize = (long)s.M * s.K, bSize = (long)s.K * s.N, cSize = (long)s.M * s.N;
        for (int i = 0; i < s.Batch; i++)
            yield return new ColumnMajorGemm(s.TransposeB, s.TransposeA, s.N, s.M, s.K,
                i * bSize, bSize, ldb, s.SharedA ? 0 : i * aSize, aSize, lda,
                s.SumBatch && i > 0 ? 1f : 0f, s.SumBatch ? 0 : i * cSize, cSize, s.N);
    }

    /// <summary>The C^T trick checked without a GPU: <see cref="CuBlasCalls"/> run through a column-major SGEMM written
    /// from cuBLAS's definition must give what a row-major reference gives, for every shape (at batch 2). Runs before
    /// any device is opened, so a wrong mapping fails on any machine.</summary>
    public static void CheckColumnMajorMapping()
    {
        var rng = new Random(7);
        foreach (var s in Shapes(batch: 2))
        {
            float[] a = RandomData(rng, s.ALength), b = RandomData(rng, s.BLength);
            var viaCalls = new float[s.CLength];
            foreach (var g in CuBlasCalls(s)) ColumnMajorSgemm(g, b, a, viaCalls);
            var reference = new float[s.CLength];
            long aSize = (long)s.M * s.K, bSize = (long)s.K * s.N, cSize = (long)s.M * s.N;
            for (int bat = 0; bat < s.Batch; bat++)
                for (int i = 0; i < s.M; i++)
                    for (int j = 0; j < s.N; j++)
                    {
                        double sum = 0;
                        for (int kk = 0; kk < s.K; kk++)
                        {
                            long ai = (s.SharedA ? 0 : bat * aSize) + (s.TransposeA ? (long)kk * s.M + i : (long)i * s.K + kk);
                            long bi = bat * bSize + (s.TransposeB ? (long)j * s.K + kk : (long)kk * s.N + j);
                            sum += (double)a[ai] * b[bi];
                        }
                        reference[(s.SumBatch ? 0 : bat * cSize) + (long)i * s.N + j] += (float)sum;
                    }
            double err = MaxRelErr(viaCalls, reference);
            if (!(err <= 1e-5))
                throw new InvalidOperationException($"the cuBLAS argument mapping is wrong for {s.Name} ({s.Dims}): max rel err {err:G3} on the CPU emulation");
        }
    }

    /// <summary>cublasSgemm's definition (column-major, alpha 1): C[r + c*ldc] = sum_p op(X)[r, p] op(Y)[p, c] + beta C.</summary>
    static void ColumnMajorSgemm(ColumnMajorGemm g, float[] first, float[] second, float[] c)
    {
        for (int col = 0; col < g.N; col++)
            for (int row = 0; row < g.M; row++)
            {
                double sum = 0;
                for (int p = 0; p < g.K; p++)
                {
                    long xi = g.TransposeFirst ? p + (long)row * g.Ld1 : row + (long)p * g.Ld1;
                    long yi = g.TransposeSecond ? col + (long)p * g.Ld2 : p + (long)col * g.Ld2;
                    if (xi >= g.FirstLength || yi >= g.SecondLength)   // cuBLAS would read past the slice it was given
                        throw new InvalidOperationException($"the cuBLAS argument mapping reads past an operand ({g})");
                    float x = first[g.FirstOffset + xi], y = second[g.SecondOffset + yi];
                    sum += (double)x * y;
                }
                long ci = g.COffset + row + (long)col * g.Ldc;
                c[ci] = (float)sum + g.Beta * c[ci];
            }
    }

    /// <summary>torch.matmul in a python3 child (tools/gemm_torch.py) on the same data, exchanged through raw float32
    /// files in a temporary folder; null (with the reason) when python3, torch or CUDA is missing.</summary>
    static List<(Timing.Stats, float[])>? TorchPeer(BenchOptions o, IReadOnlyList<Shape> shapes,
        IReadOnlyList<(float[] A, float[] B)> data, List<string> why, out string version)
    {
        version = "torch";
        string dir = Path.Combine(Path.GetTempPath(), $"gpugan-gemm-torch-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            var spec = shapes.Select(s => new
            {
                name = s.Name, m = s.M, n = s.N, k = s.K, batch = s.Batch,
                transpose_a = s.TransposeA, transpose_b = s.TransposeB, shared_a = s.SharedA, sum_batch = s.SumBatch,
            });
            File.WriteAllText(Path.Combine(dir, "shapes.json"), JsonSerializer.Serialize(spec));
            for (int i = 0; i < shapes.Count; i++)
            {
                RawFloats.Write(Path.Combine(dir, $"{i}.a.f32"), data[i].A);
                RawFloats.Write(Path.Combine(dir, $"{i}.b.f32"), data[i].B);
            }
            var run = PythonPeer.Run("gemm_torch.py",
                ["--dir", dir, "--device", o.Device.StartsWith("cuda", StringComparison.Ordinal) ? o.Device : "cuda",
                 "--warmup", o.Warmup.ToString(CultureInfo.InvariantCulture), "--min-reps", o.MinReps.ToString(CultureInfo.InvariantCulture),
                 "--min-time", o.MinSeconds.ToString(CultureInfo.InvariantCulture)], timeoutSeconds: 600);
            if (run.Problem is { } problem) { why.Add($"torch.matmul: {problem}"); return null; }
            using var doc = JsonDocument.Parse(run.Json!);
            version = $"torch {doc.RootElement.GetProperty("torch").GetString()}";
            var result = new List<(Timing.Stats, float[])>();
            int j = 0;
            foreach (var r in doc.RootElement.GetProperty("shapes").EnumerateArray())
            {
                var st = new Timing.Stats(r.GetProperty("median_ms").GetDouble(), r.GetProperty("min_ms").GetDouble(),
                    r.GetProperty("mean_ms").GetDouble(), r.GetProperty("reps").GetInt32());
                result.Add((st, RawFloats.Read(Path.Combine(dir, $"{j}.c.f32"), shapes[j].CLength)));
                j++;
            }
            if (result.Count != shapes.Count) { why.Add($"torch.matmul: {result.Count} results for {shapes.Count} shapes"); return null; }
            return result;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>max |x - y| / max |y| (normwise: elementwise ratios explode where y is near 0); NaN anywhere gives NaN.</summary>
    public static double MaxRelErr(float[] x, float[] y)
    {
        if (x.Length != y.Length) return double.NaN;
        double diff = 0, scale = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i]) || float.IsNaN(y[i])) return double.NaN;
            diff = Math.Max(diff, Math.Abs((double)x[i] - y[i]));
            scale = Math.Max(scale, Math.Abs((double)y[i]));
        }
        return scale > 0 ? diff / scale : diff;
    }

    static float[] RandomData(Random rng, long n)
    {
        var x = new float[n];
        for (long i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
