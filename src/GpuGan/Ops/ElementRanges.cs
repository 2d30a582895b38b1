using GpuGan.Device;
using GpuGan.Kernels;

namespace GpuGan.Ops;

/// <summary>
/// How an elementwise kernel splits its elements: one per thread on a GPU; on the CPU accelerator one
/// contiguous run per worker thread, since each simulated thread costs microseconds there.
/// Built here so the kernels' ElementRange stays inside Ops.
/// </summary>
internal static class ElementRanges
{
    public static ElementRange Range(this ComputeDevice dev, int length) =>
        dev.Family == KernelFamily.Gpu ? new ElementRange { Length = length, Chunk = 1 } : ElementRange.For(length, dev.Accelerator.MaxNumThreads);
}
