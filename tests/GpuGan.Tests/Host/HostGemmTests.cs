using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using GpuGan.Ops;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Host;

/// <summary>Host GEMMs shared by the tests (threads and workspaces are made once): AVX2 if available, and portable.</summary>
public sealed class HostGemmFixture : IDisposable
{
    public HostGemm Simd { get; } = new(2);
    public HostGemm Portable { get; } = new(2, portable: true);
    public HostGemm OneThread { get; } = new(1);
    public HostGemm ThreeThreads { get; } = new(3);
    public ComputeDevice IlgpuDevice { get; }

    public HostGemmFixture() => IlgpuDevice = ComputeDevice.CreateCpu(cpuKernels: CpuKernelVariant.Ilgpu);

    public void Dispose()
    {
        Simd.Dispose(); Portable.Dispose(); OneThread.Dispose(); ThreeThreads.Dispose();
        IlgpuDevice.Dispose();
    }
}

public class HostGemmTests(HostGemmFixture fx) : IClassFixture<HostGemmFixture>
{
    const double Tolerance = 1e-5;

    sealed record Inputs(GemmParams P, float[] A, float[] B, float[] C0, string Hint);

    internal static (GemmParams P, float[] A, float[] B, float[] C0) MakeInputs(string pattern, int size)
    {
        var x = Make(pattern, size);
        return (x.P, x.A, x.B, x.C0);
    }

    static Inputs Make(string pattern, int size)
    {
        string name = $"hostgemm_{pattern}_{size}";
        var rng = new Random(TestSeed.For(name));
        var p = GemmCases.Make(pattern, size);
        var (la, lb, lc) = GemmCases.Lengths(p);
        return new Inputs(p, GemmCases.Random(rng, la), GemmCases.Random(rng, lb), GemmCases.InitialC(rng, p, lc),
            $"{TestSeed.Hint(name)} M={p.M} N={p.N} K={p.K} batch={p.BatchCount}");
    }

    static unsafe float[] RunHost(HostGemm gemm, Inputs x)
    {
        var c = (float[])x.C0.Clone();
        fixed (float* pa = x.A, pb = x.B, pc = c)
            gemm.Run(pa, pb, pc, x.P);
        return c;
    }

    /// <summary>Relative L2 over the addressed elements; elements that must stay untouched (NaN in expected) must be bit-identical to C0.</summary>
    static void AssertClose(double[] expected, float[] actual, float[] c0, double tolerance, string what)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(c0[i]))
                    Assert.Fail($"{what}: C[{i}] is outside the product but was written: {actual[i]}");
                continue;
            }
            if (!float.IsFinite(actual[i])) Assert.Fail($"{what}: C[{i}] = {actual[i]}, expected {expected[i]} (poisoned C read?)");
            double d = actual[i] - expected[i];
            num += d * d;
            den += expected[i] * expected[i];
        }
        double rel = Math.Sqrt(num) / Math.Max(Math.Sqrt(den), 1e-30);
        Assert.True(rel <= tolerance, $"{what}: relative L2 {rel:E3} > {tolerance:E0}");
    }

    static double[] Reference(Inputs x) => GemmCases.Reference(x.P, x.A, x.B, x.C0);

    [Theory]
    [MemberData(nameof(GemmCases.All), MemberType = typeof(GemmCases))]
    public void MatchesFloat64Reference(string pattern, int size)
    {
        var x = Make(pattern, size);
        var expected = Reference(x);
        AssertClose(expected, RunHost(fx.Simd, x), x.C0, Tolerance, $"simd {pattern} {x.Hint}");
        AssertClose(expected, RunHost(fx.Portable, x), x.C0, Tolerance, $"portable {pattern} {x.Hint}");
    }

    [Theory]
    [MemberData(nameof(GemmCases.All), MemberType = typeof(GemmCases))]
    public void MatchesIlgpuKernel(string pattern, int size)
    {
        var x = Make(pattern, size);
        var dev = fx.IlgpuDevice;
        using var ta = dev.Allocate(x.A.Length);
        using var tb = dev.Allocate(x.B.Length);
        using var tc = dev.Allocate(x.C0.Length);
        ta.CopyFrom(x.A); tb.CopyFrom(x.B); tc.CopyFrom(x.C0);
        Gemm.Run(dev, ta.View, tb.View, tc.View, x.P, "test");
        var ilgpu = tc.ToArray();
        var host = RunHost(fx.Simd, x);
        AssertClose(ilgpu.Select(v => float.IsNaN(v) ? double.NaN : v).ToArray(), host, x.C0, Tolerance, $"simd vs ilgpu {pattern} {x.Hint}");
    }

    /// <summary>Same inputs twice, and on 1, 2 and 3 threads: bit-identical (tiles and the k order depend on the shape only).</summary>
    [Theory]
    [MemberData(nameof(GemmCases.All), MemberType = typeof(GemmCases))]
    public void BitIdenticalAcrossRunsAndThreadCounts(string pattern, int size)
    {
        var x = Make(pattern, size);
        var first = RunHost(fx.Simd, x);
        foreach (var (gemm, what) in new[] { (fx.Simd, "second run"), (fx.OneThread, "1 thread"), (fx.ThreeThreads, "3 threads") })
        {
            var again = RunHost(gemm, x);
            for (int i = 0; i < first.Length; i++)
                if (BitConverter.SingleToInt32Bits(first[i]) != BitConverter.SingleToInt32Bits(again[i]))
                    Assert.Fail($"{x.Hint} {pattern}: C[{i}] differs ({what}): {first[i]:R} vs {again[i]:R}");
        }
    }

    [Fact]
    public void DispatchUsesHostGemmOnlyForSimdVariant()
    {
        var profiler = new NameRecorder();
        var rng = new Random(TestSeed.For("dispatch"));
        float[] da = GemmCases.Random(rng, 6), db = GemmCases.Random(rng, 6);
        foreach (var variant in new[] { CpuKernelVariant.Simd, CpuKernelVariant.Ilgpu })
        {
            using var dev = ComputeDevice.CreateCpu(cpuKernels: variant);
            Assert.Equal(variant, dev.CpuKernels);
            dev.Profiler = profiler;
            using var a = dev.Allocate(6); using var b = dev.Allocate(6); using var c = dev.Allocate(4);
            a.CopyFrom(da); b.CopyFrom(db);
            Gemm.Run(dev, a.View, b.View, c.View, Gemm.Dense(2, 2, 3, false, false), "t");
        }
        Assert.Equal(["t:HostGemm", "t:GemmRegisterTiled"], profiler.Names);
    }

    [Fact]
    public void RejectsNonPositiveSizes()
    {
        var p = Gemm.Dense(0, 1, 1, false, false);
        Assert.Throws<ArgumentException>(() => RunHost(fx.Simd, new Inputs(p, [1f], [1f], [1f], "")));
    }

    sealed class NameRecorder : IKernelProfiler
    {
        public List<string> Names { get; } = [];
        public void Begin(string kernel) => Names.Add(kernel);
        public void End(string kernel, double flops, double bytes) { }
    }
}

/// <summary>Runs alone (no parallel test classes), since it counts the bytes allocated by the whole process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostGemmAllocationCollection { public const string Name = "Host.Allocation"; }

[Collection(HostGemmAllocationCollection.Name)]
public class HostGemmAllocationTests
{
    /// <summary>Workspaces and threads are made once: a repeated product allocates nothing on any thread.</summary>
    [Fact]
    public unsafe void NoAllocationPerCall()
    {
        using var gemm = new HostGemm(2);
        var x = HostGemmTests.MakeInputs("convBackwardWeight", 6);
        var c = (float[])x.C0.Clone();
        fixed (float* pa = x.A, pb = x.B, pc = c)
        {
            for (int i = 0; i < 3; i++) gemm.Run(pa, pb, pc, x.P);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 5; i++) gemm.Run(pa, pb, pc, x.P);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.True(allocated < 1024, $"5 host GEMM calls allocated {allocated} bytes");
        }
    }

}
