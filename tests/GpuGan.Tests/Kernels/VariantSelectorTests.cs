using GpuGan.Device;
using Xunit;

namespace GpuGan.Tests.Kernels;

public class VariantSelectorTests
{
    [Theory]
    [InlineData(DeviceKind.Cpu, KernelFamily.Cpu, CpuKernelVariant.Simd, "simd")]
    [InlineData(DeviceKind.Cpu, KernelFamily.Cpu, CpuKernelVariant.Ilgpu, "cpu")]
    [InlineData(DeviceKind.Cpu, KernelFamily.Gpu, CpuKernelVariant.Simd, "gpu")]
    [InlineData(DeviceKind.Cuda, KernelFamily.Gpu, CpuKernelVariant.Simd, "gpu")]
    [InlineData(DeviceKind.OpenCL, KernelFamily.Gpu, CpuKernelVariant.Ilgpu, "gpu")]
    public void OnePlaceChoosesTheVariant(DeviceKind kind, KernelFamily family, CpuKernelVariant cpuKernels, string expected) =>
        Assert.Equal(expected, VariantSelector.For(kind, family, cpuKernels).Name);

    [Fact]
    public void HostSimdFallsBackToTheCpuFamily()
    {
        Assert.True(OpVariant.HostSimd.Reaches(OpVariant.CpuFamily));
        Assert.False(OpVariant.CpuFamily.Reaches(OpVariant.HostSimd));
        Assert.False(OpVariant.GpuFamily.Reaches(OpVariant.CpuFamily));
    }
}
