namespace GpuGan.Device;

/// <summary>Which implementation runs the matrix products on the CPU accelerator.</summary>
public enum CpuKernelVariant
{
    /// <summary>ILGPU's register-tiled GEMM kernel (scalar code, simulated threads).</summary>
    Ilgpu,
    /// <summary>The host GEMM (GpuGan.Host): packed panels and an AVX2/FMA (or portable SIMD) micro-kernel on the device's worker threads.</summary>
    Simd,
}
