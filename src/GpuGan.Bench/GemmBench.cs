using System.Diagnostics;
using GpuGan.Device;
using GpuGan.Ops;
using GpuGan.Training;

namespace GpuGan.Bench;

/// <summary>
/// "gemm": GFLOP/s of the CPU accelerator's two GEMM variants (ILGPU kernel vs host SIMD) at the DCGAN's large
/// GEMM shapes (batch 64), built exactly as Conv2dOps / ConvTranspose2dOps build them.
/// "step": median time of one full DCGAN training step (batch 64) with either variant.
/// Both run in this process only (no TorchSharp).
/// </summary>
public static class GemmBench
{
    const int Batch = 64;

    /// <summary>One batched GEMM as <see cref="Ops.Gemm.Batched"/> takes it.</summary>
    public readonly record struct GemmShape(int M, int N, int K, bool TransposeA, bool SharedA, bool TransposeB, bool SumBatch, float Beta)
    {
        public long ALength => (SharedA ? 1L : Batch) * M * K;
        public long BLength => (long)Batch * K * N;
        public long CLength => (SumBatch ? 1L : Batch) * M * N;
    }

    /// <summary>name, shape. Conv 64->128 k4 s2 p1 14->7: K = 64*16 columns of 49 pixels; ConvT 128->64 7->14 is its adjoint.</summary>
    public static IReadOnlyList<(string Name, GemmShape P)> Shapes()
    {
        const int cout = 128, k = 64 * 16, p = 49;
        GemmShape Forward(int m, int kk) => new(m, p, kk, TransposeA: false, SharedA: true, TransposeB: false, SumBatch: false, Beta: 0f);
        GemmShape Transposed(int m, int kk) => new(m, p, kk, TransposeA: true, SharedA: true, TransposeB: false, SumBatch: false, Beta: 0f);
        GemmShape Weight(int m, int n) => new(m, n, p, TransposeA: false, SharedA: false, TransposeB: true, SumBatch: true, Beta: 1f);
        return
        [
            ("conv2d 64->128 14->7 fwd        (M128 N49 K1024 x64)", Forward(cout, k)),
            ("conv2d 64->128 bwd-weight       (M128 N1024 K49 sum64)", Weight(cout, k)),
            ("conv2d 64->128 bwd-data         (M1024 N49 K128 x64, A^T)", Transposed(k, cout)),
            ("convT 128->64 7->14 fwd         (M1024 N49 K128 x64, A^T)", Transposed(k, cout)),
            ("convT 128->64 bwd-weight        (M128 N1024 K49 sum64)", Weight(cout, k)),
            ("convT 128->64 bwd-data          (M128 N49 K1024 x64)", Forward(cout, k)),
        ];
    }

    public static int Gemm(BenchOptions o)
    {
        Console.WriteLine($"GEMM, CPU accelerator, {o.Threads} worker threads, {MachineInfo.Current().Processor}; load average {LoadAverage()}");
        using var dev = ComputeDevice.CreateCpu(o.Threads);
        using var ilgpuDev = ComputeDevice.CreateCpu(o.Threads, cpuKernels: CpuKernelVariant.Ilgpu);
        Console.WriteLine($"host micro-kernel: {(dev.HostGemm.UsesAvx2 ? "AVX2+FMA 6x16" : "portable Vector<float>")}");
        Console.WriteLine($"{"shape",-58} {"ILGPU ms",9} {"GFLOP/s",8} {"SIMD ms",9} {"GFLOP/s",8} {"best",8} {"speed-up",8}");
        var rng = new Random(1);
        foreach (var (name, p) in Shapes())
        {
            long la = p.ALength, lb = p.BLength, lc = p.CLength;
            var data = (A: RandomData(rng, (int)la), B: RandomData(rng, (int)lb));
            double flops = 2.0 * p.M * p.N * p.K * Batch;
            // The variant is fixed when a device is created: the same data on one device of each.
            Timing.Stats Measure(ComputeDevice d, int warmup, int reps)
            {
                using var a = d.Allocate((int)la); using var b = d.Allocate((int)lb); using var c = d.Allocate((int)lc);
                a.CopyFrom(data.A); b.CopyFrom(data.B); c.CopyFrom(new float[lc]);
                void Call() { Ops.Gemm.Batched(d, a.View, b.View, c.View, p.M, p.N, p.K, Batch, p.TransposeA, p.TransposeB, p.SharedA, p.SumBatch, beta: p.Beta, name: "bench"); d.Synchronize(); }
                return Timing.Measure(Call, warmup, reps, o.MinSeconds);
            }
            var il = Measure(ilgpuDev, 1, Math.Min(o.MinReps, 5));
            var simd = Measure(dev, o.Warmup, o.MinReps);
            Console.WriteLine($"{name,-58} {il.MedianMs,9:F2} {flops / il.MedianMs / 1e6,8:F2} {simd.MedianMs,9:F2} {flops / simd.MedianMs / 1e6,8:F2} {flops / simd.MinMs / 1e6,8:F2} {il.MedianMs / simd.MedianMs,7:F1}x");
        }
        Console.WriteLine($"(medians; best = fastest call; load average after: {LoadAverage()})");
        return 0;
    }

    public static int Step(BenchOptions o)
    {
        Console.WriteLine($"DCGAN training step, batch 64, CPU accelerator, {o.Threads} threads; load average {LoadAverage()}");
        var data = GpuGan.Data.DatasetLoader.LoadEmbedded();
        foreach (var variant in new[] { CpuKernelVariant.Ilgpu, CpuKernelVariant.Simd })
        {
            using var dev = ComputeDevice.CreateCpu(o.Threads, cpuKernels: variant);
            string dir = Path.Combine(Path.GetTempPath(), $"gpugan-step-bench-{Environment.ProcessId}");
            using var trainer = new GanTrainer(dev, new TrainOptions { BatchSize = 64, OutDir = dir, EvalEvery = 0 }, data);
            var samples = new List<double>();
            int steps = o.TrainWarmup + o.Iterations;
            for (int i = 0; i < steps; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                trainer.Step();
                dev.Synchronize();
                if (i >= o.TrainWarmup) samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            var s = Timing.Summarize(samples);
            Console.WriteLine($"{variant,-6} GEMM: median {s.MedianMs,8:F1} ms/step  (min {s.MinMs:F1}, mean {s.MeanMs:F1}, {s.Repetitions} steps after {o.TrainWarmup} warm-up)");
            // One more step with a synchronizing profiler: where the time goes, by kernel (op name stripped).
            var profile = new SyncProfiler(dev);
            dev.Profiler = profile;
            trainer.Step();
            dev.Synchronize();
            dev.Profiler = null;
            double total = profile.Times.Values.Sum(t => t.Ms);
            foreach (var (kernel, t) in profile.Times.OrderByDescending(kv => kv.Value.Ms).Take(6))
                Console.WriteLine($"    {kernel,-22} {t.Ms,8:F1} ms {100 * t.Ms / total,5:F1}%  {t.Calls,4} calls" +
                    (t.Flops > 0 ? $"  {t.Flops / t.Ms / 1e6,7:F1} GFLOP/s" : ""));
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
        Console.WriteLine($"(load average after: {LoadAverage()})");
        return 0;
    }

    /// <summary>Times every dispatched kernel, synchronizing the device around it; aggregated by kernel variant.</summary>
    sealed class SyncProfiler(ComputeDevice dev) : IKernelProfiler
    {
        public Dictionary<string, (double Ms, int Calls, double Flops)> Times { get; } = new();
        long start;

        public void Begin(string kernel) { dev.Synchronize(); start = Stopwatch.GetTimestamp(); }

        public void End(string kernel, double flops, double bytes)
        {
            dev.Synchronize();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            string key = kernel.Contains(':') ? kernel[(kernel.IndexOf(':') + 1)..] : kernel;
            var t = Times.GetValueOrDefault(key);
            Times[key] = (t.Ms + ms, t.Calls + 1, t.Flops + flops);
        }
    }

    static float[] RandomData(Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
    }
}
