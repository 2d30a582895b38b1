using System.Diagnostics;
using GpuGan.Device;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// The CPU accelerator with the CPU kernel family and ILGPU's GEMM kernel forced (CpuKernels = Ilgpu), so that
/// variant stays tested. Shared: contexts are slow to create.
/// </summary>
public sealed class CpuFamilyFixture : IDisposable
{
    public ComputeDevice Device { get; } = ComputeDevice.CreateCpu();
    public CpuFamilyFixture() => Device.CpuKernels = CpuKernelVariant.Ilgpu;
    public void Dispose() => Device.Dispose();
}

/// <summary>The CPU accelerator as a CPU run uses it by default: CPU kernel family, host SIMD GEMM.</summary>
public sealed class CpuSimdFixture : IDisposable
{
    public ComputeDevice Device { get; } = ComputeDevice.CreateCpu();
    public void Dispose() => Device.Dispose();
}

public class ComputeDeviceCreateCpuTests
{
    [Fact]
    public void DefaultCpuDeviceCanBeCreated()
    {
        using var dev = ComputeDevice.CreateCpu();
        Assert.Equal(KernelFamily.Cpu, dev.Family);
        Assert.Equal(DeviceKind.Cpu, dev.Kind);
        using var odd = ComputeDevice.CreateCpu(threads: 3);
        Assert.Equal(4, odd.Accelerator.MaxNumThreads);
    }
}

/// <summary>
/// The GPU kernel family (shared-memory GEMM tiles, per-group reductions with barriers) run on a simulated
/// CPU device of one 256-thread group (32 x 8 x 1). Barriers are OS-thread barriers: slow, keep cases tiny.
/// </summary>
public sealed class GpuFamilyOnCpuFixture : IDisposable
{
    public ComputeDevice Device { get; }

    public GpuFamilyOnCpuFixture()
    {
        Device = ComputeDevice.CreateCpu(0, false, new ILGPU.Runtime.CPU.CPUDevice(32, 8, 1));
        Device.Family = KernelFamily.Gpu;
    }

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CpuFamilyCollection : ICollectionFixture<CpuFamilyFixture> { public const string Name = "Kernels.CpuFamily"; }

[CollectionDefinition(Name)]
public sealed class CpuSimdCollection : ICollectionFixture<CpuSimdFixture> { public const string Name = "Kernels.CpuSimd"; }

[CollectionDefinition(Name)]
public sealed class GpuFamilyCollection : ICollectionFixture<GpuFamilyOnCpuFixture> { public const string Name = "Kernels.GpuFamilyOnCpu"; }

/// <summary>
/// Seeds: one base seed per test run, fresh each run (TickCount ^ a GUID) unless GPUGAN_TEST_SEED is set; each case
/// derives its own from the base and a stable hash of its name, so one case reproduces alone.
/// </summary>
public static class TestSeed
{
    public static readonly int Base = Environment.GetEnvironmentVariable("GPUGAN_TEST_SEED") is { } s && int.TryParse(s, out int v)
        ? v
        : Environment.TickCount ^ Guid.NewGuid().GetHashCode();

    public static int For(string name)
    {
        uint h = 2166136261u;
        foreach (char ch in name) { h ^= ch; h *= 16777619u; }
        return unchecked((int)(h ^ ((uint)Base * 0x9E3779B9u)));
    }

    public static string Hint(string name) => $"[{name}: reproduce with GPUGAN_TEST_SEED={Base}]";
}

public static class Timing
{
    /// <summary>Runs and returns seconds; used to report how long cases take.</summary>
    public static double Seconds(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalSeconds;
    }
}
