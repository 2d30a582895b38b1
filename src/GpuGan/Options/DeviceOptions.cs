using GpuGan.Device;

namespace GpuGan.Options;

/// <summary>
/// The device options shared by train, profile and the bench: --device, --threads, --cpu-kernels. They pick
/// where a run computes, not what it computes, so a resumed run may change them.
/// </summary>
public static class DeviceOptions
{
    public static readonly OptionSpec Device = new("device", "NAME", "auto", "auto, cpu, cuda[:N] or opencl[:N] (auto: CUDA, else an OpenCL GPU, else the CPU)");
    public static readonly OptionSpec Threads = new("threads", "N", "all cores", "worker threads of the CPU accelerator and its host kernels");
    public static readonly OptionSpec CpuKernels = new("cpu-kernels", "KIND", "simd", "on the CPU accelerator: simd (host SIMD GEMM/unfold) or ilgpu (ILGPU's CPU kernels only)");

    public static readonly OptionSpec[] Specs = [Device, Threads, CpuKernels];

    public static CpuKernelVariant ParseCpuKernels(string? text, string command) => (text ?? "simd").ToLowerInvariant() switch
    {
        "simd" => CpuKernelVariant.Simd,
        "ilgpu" => CpuKernelVariant.Ilgpu,
        var v => throw new UsageException($"{command}: --cpu-kernels '{v}': expected simd or ilgpu"),
    };

    /// <summary>The device from --device, --threads and --cpu-kernels.</summary>
    public static ComputeDevice Create(ParsedOptions o, bool profiling)
    {
        var variant = ParseCpuKernels(o.String(CpuKernels.Name), o.Command);
        return ComputeDevice.Create(DeviceSpec.Parse(o.String(Device.Name) ?? "auto"), profiling, o.Int(Threads.Name, 1, 1024) ?? 0, variant);
    }

    /// <summary>Writes why --device auto settled for the CPU, when it did (train, check and profile say it alike).</summary>
    public static void WriteFallback(ComputeDevice device, TextWriter stdout)
    {
        if (device.FallbackReason != null) stdout.WriteLine($"device: --device auto chose the CPU ({device.FallbackReason})");
    }
}
