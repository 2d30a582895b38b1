using GpuGan.Device;

namespace GpuGan.Check;

/// <summary>Which kernels a device runs, in words, for report headers: a check result means little without it.</summary>
public static class DeviceSummary
{
    public static string Kernels(ComputeDevice d) => d.Family == KernelFamily.Gpu
        ? "gpu kernel family (ILGPU kernels)"
        : d.UsesHostKernels
            ? $"cpu kernel family, cpu-kernels simd (host SIMD, {d.CpuWorkers} threads)"
            : $"cpu kernel family, cpu-kernels ilgpu (ILGPU's CPU kernels, {d.Accelerator.MaxNumThreads} threads)";
}
