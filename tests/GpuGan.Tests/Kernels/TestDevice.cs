using GpuGan.Device;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// GPUGAN_TEST_DEVICE=cpu|cuda[:N]|opencl[:N] (default cpu): the device the op table, determinism and the
/// training-run tests use. A value that names no usable device fails every test that needs it with one message;
/// it never falls back to the CPU (hence no 'auto').
/// </summary>
public static class TestDevice
{
    public const string Variable = "GPUGAN_TEST_DEVICE";

    public static ComputeDevice Create() => Create(Environment.GetEnvironmentVariable(Variable));

    public static ComputeDevice Create(string? value)
    {
        string text = string.IsNullOrWhiteSpace(value) ? "cpu" : value.Trim();
        DeviceSpec spec;
        try { spec = DeviceSpec.Parse(text); }
        catch (DeviceException e) { throw new InvalidOperationException($"{Variable}={text}: expected cpu, cuda[:N] or opencl[:N] ({e.Message})"); }
        if (spec.Kind == DeviceKind.Auto)
            throw new InvalidOperationException($"{Variable}={text}: name the device (cpu, cuda[:N] or opencl[:N]); auto could fall back to the CPU unnoticed");
        try { return ComputeDevice.Create(spec); }
        catch (DeviceException e) { throw new InvalidOperationException($"{Variable}={text}: {e.Message}", e); }
    }
}
