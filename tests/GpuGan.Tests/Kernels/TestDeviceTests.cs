using GpuGan.Device;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>GPUGAN_TEST_DEVICE: unset is the CPU; a value that names no device fails loudly, never falls back to the CPU.</summary>
public class TestDeviceTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu")]
    public void Unset_or_cpu_is_the_cpu_with_host_simd_kernels(string? value)
    {
        using var dev = TestDevice.Create(value);
        Assert.Equal(DeviceKind.Cpu, dev.Kind);
        Assert.True(dev.UsesHostKernels);
    }

    [Theory]
    [InlineData("tpu", "GPUGAN_TEST_DEVICE=tpu: expected cpu, cuda[:N] or opencl[:N]")]
    [InlineData("cpu:1", "GPUGAN_TEST_DEVICE=cpu:1: expected cpu, cuda[:N] or opencl[:N]")]
    [InlineData("auto", "GPUGAN_TEST_DEVICE=auto: name the device")]
    [InlineData("cuda:99", "GPUGAN_TEST_DEVICE=cuda:99: ")]
    public void A_bad_value_fails_with_one_message(string value, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => TestDevice.Create(value).Dispose());
        Assert.StartsWith(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
