using GpuGan.Kernels;

namespace GpuGan.Ops;

/// <summary>Options of a 2-D pooling, as PyTorch's MaxPool2d names them (floor mode, no dilation).</summary>
public readonly record struct PoolOptions(int KernelH, int KernelW, int StrideH, int StrideW, int PadH = 0, int PadW = 0)
{
    /// <summary>A square window; the stride defaults to the kernel size, as in PyTorch.</summary>
    public static PoolOptions Square(int kernel, int? stride = null, int padding = 0) =>
        new(kernel, kernel, stride ?? kernel, stride ?? kernel, padding, padding);

    public void Validate()
    {
        if (KernelH < 1 || KernelW < 1) throw new ArgumentException($"pooling kernel size must be >= 1, got {KernelH}x{KernelW}");
        if (StrideH < 1 || StrideW < 1) throw new ArgumentException($"pooling stride must be >= 1, got {StrideH}x{StrideW}");
        // PyTorch's rule; it also keeps every window over at least one input element
        if (PadH < 0 || PadW < 0 || 2 * PadH > KernelH || 2 * PadW > KernelW)
            throw new ArgumentException($"pooling padding must be >= 0 and at most half the kernel ({KernelH}x{KernelW}), got {PadH}x{PadW}");
    }

    /// <summary>floor((size + 2p - k) / s) + 1.</summary>
    public int Out(int size, bool h) => h
        ? (size + 2 * PadH - KernelH) / StrideH + 1
        : (size + 2 * PadW - KernelW) / StrideW + 1;

    public PoolGeometry Geometry(int batch, int channels, int h, int w)
    {
        Validate();
        int oh = Out(h, true), ow = Out(w, false);
        if (h + 2 * PadH < KernelH || w + 2 * PadW < KernelW || oh < 1 || ow < 1)
            throw new ArgumentException($"pooling input {h}x{w} is smaller than the {KernelH}x{KernelW} window with padding {PadH}x{PadW}");
        return new PoolGeometry
        {
            Batch = batch, Channels = channels, InH = h, InW = w,
            KernelH = KernelH, KernelW = KernelW, StrideH = StrideH, StrideW = StrideW, PadH = PadH, PadW = PadW,
            OutH = oh, OutW = ow,
        };
    }
}
