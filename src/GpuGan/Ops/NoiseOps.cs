using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class NoiseOps
{
    public static void Fill(ComputeDevice dev, ArrayView<float> x, NoiseParams p)
    {
        using var _ = dev.Profiler == null ? default : dev.Scope($"NoiseFill.{p.Kind}", 40.0 * p.Length, 4.0 * p.Length);
        var k = dev.Kernel("NoiseFill", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, NoiseParams, ElementRange>(NoiseFill.Kernel));
        var r = dev.Range(NoiseFill.ThreadCount(p.Length));
        k(r.Threads, x, p, r);
    }
}
