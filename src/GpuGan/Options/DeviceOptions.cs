using GpuGan.Device;

namespace GpuGan.Options;

/// <summary>
/// The device options shared by train, profile and the bench: --device, --threads, --cpu-kernels. They pick
/// where a run computes, not what it computes, so a resumed run may change them.
/// </summary>
public static class DeviceOptions
{
    public static readonly OptionSpec Device = new("device", "NAME", "auto", "auto, cpu, cuda[:N] or opencl[:N] (auto: CUDA, else an OpenCL GPU, else the CPU)");
    public static readonly OptionSpec Threads = new("threads", "N", "all cores", "worker threads of the CPU accelerator and its host kernels; more than the machine's cores is capped at its core count, with a warning");
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
        return ComputeDevice.Create(DeviceSpec.Parse(o.String(Device.Name) ?? "auto"), profiling, ParseThreads(o), variant);
    }

    /// <summary>
    /// --threads: 0 (all cores) when not given. More threads than cores only time-slice the same cores (a 2-core machine
    /// ran 30 times slower at --threads 999), so a larger N is capped at the core count with a warning rather than refused:
    /// a command line written on a bigger machine still runs.
    /// </summary>
    public static int ParseThreads(ParsedOptions o, int? cores = null)
    {
        int? n = o.Int(Threads.Name, 1);
        if (n == null) return 0;
        int have = cores ?? Environment.ProcessorCount;
        if (n <= have) return n.Value;
        Warnings.Write($"--threads {n}: this machine has {Text.Count.Of(have, "core")}; using {have}");
        return have;
    }

    /// <summary>Writes why --device auto settled for the CPU, when it did (train, check and profile say it alike).</summary>
    public static void WriteFallback(ComputeDevice device, TextWriter stdout)
    {
        if (device.FallbackReason != null) stdout.WriteLine($"device: --device auto chose the CPU ({device.FallbackReason})");
    }
}
