using GpuGan.Check;
using GpuGan.Device;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// The CPU accelerator with the CPU kernel family and ILGPU's GEMM kernel forced (CpuKernels = Ilgpu), so that
/// variant stays tested. Shared: contexts are slow to create.
/// </summary>
public sealed class CpuFamilyFixture : IDisposable
{
    public ComputeDevice Device { get; } = ComputeDevice.CreateCpu(cpuKernels: CpuKernelVariant.Ilgpu);
    public void Dispose() => Device.Dispose();
}

/// <summary>
/// The device of GPUGAN_TEST_DEVICE (<see cref="TestDevice"/>): by default the CPU accelerator as a CPU run uses it
/// (CPU kernel family, host SIMD kernels), else the named GPU, on which the op table, determinism and a training
/// run then execute.
/// </summary>
public sealed class TestDeviceFixture : IDisposable
{
    ComputeDevice? cpuSimd;

    public ComputeDevice Device { get; } = TestDevice.Create();

    public bool IsCpu => Device.Kind == DeviceKind.Cpu;

    /// <summary>The default CPU device with host SIMD kernels, for tests of those kernels: the test device itself when it is the CPU.</summary>
    public ComputeDevice CpuSimd => IsCpu ? Device : cpuSimd ??= ComputeDevice.CreateCpu();

    public void Dispose()
    {
        cpuSimd?.Dispose();
        Device.Dispose();
    }
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

    public GpuFamilyOnCpuFixture() =>
        Device = ComputeDevice.CreateCpu(simulate: new ILGPU.Runtime.CPU.CPUDevice(32, 8, 1), family: KernelFamily.Gpu);

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CpuFamilyCollection : ICollectionFixture<CpuFamilyFixture> { public const string Name = "Kernels.CpuFamily"; }

[CollectionDefinition(Name)]
public sealed class TestDeviceCollection : ICollectionFixture<TestDeviceFixture> { public const string Name = "Kernels.TestDevice"; }

[CollectionDefinition(Name)]
public sealed class GpuFamilyCollection : ICollectionFixture<GpuFamilyOnCpuFixture> { public const string Name = "Kernels.GpuFamilyOnCpu"; }

/// <summary>
/// Seeds: one base seed per test run, fresh each run unless GPUGAN_TEST_SEED is set; each case derives its own
/// from the base and a stable hash of its name (<see cref="CheckSeed"/>), so one case reproduces alone, also
/// with 'gpugan check --seed'.
/// </summary>
public static class TestSeed
{
    public static readonly int Base = Environment.GetEnvironmentVariable("GPUGAN_TEST_SEED") is { } s && int.TryParse(s, out int v)
        ? v
        : CheckSeed.Fresh();

    public static int For(string name) => CheckSeed.For(Base, name);

    public static string Hint(string name) => $"[{name}: reproduce with GPUGAN_TEST_SEED={Base}]";
}
