namespace GpuGan.Device;

/// <summary>Which family of kernel variants the per-op dispatch picks.</summary>
public enum KernelFamily
{
    /// <summary>Barrier-free register-tiled kernels: what ILGPU's CPU accelerator runs well.</summary>
    Cpu,
    /// <summary>Shared-memory tiled kernels with barriers: CUDA and OpenCL GPUs.</summary>
    Gpu,
}
