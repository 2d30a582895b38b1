namespace GpuGan.Device;

/// <summary>The one place where a device's accelerator, kernel family and --cpu-kernels preference become the variant every op runs.</summary>
public static class VariantSelector
{
    public static OpVariant For(DeviceKind kind, KernelFamily family, CpuKernelVariant cpuKernels) =>
        family == KernelFamily.Gpu ? OpVariant.GpuFamily
        : kind == DeviceKind.Cpu && cpuKernels == CpuKernelVariant.Simd ? OpVariant.HostSimd
        : OpVariant.CpuFamily;
}
