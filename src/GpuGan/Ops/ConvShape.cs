using GpuGan.Kernels;

namespace GpuGan.Ops;

/// <summary>Options of a 2-D convolution, as PyTorch names them (square or rectangular).</summary>
public readonly record struct ConvOptions(int KernelH, int KernelW, int StrideH = 1, int StrideW = 1, int PadH = 0, int PadW = 0,
    int OutputPadH = 0, int OutputPadW = 0)
{
    public static ConvOptions Square(int kernel, int stride = 1, int padding = 0, int outputPadding = 0) =>
        new(kernel, kernel, stride, stride, padding, padding, outputPadding, outputPadding);

    public void Validate(bool transposed)
    {
        if (KernelH < 1 || KernelW < 1) throw new ArgumentException($"kernel size must be >= 1, got {KernelH}x{KernelW}");
        if (StrideH < 1 || StrideW < 1) throw new ArgumentException($"stride must be >= 1, got {StrideH}x{StrideW}");
        if (PadH < 0 || PadW < 0) throw new ArgumentException($"padding must be >= 0, got {PadH}x{PadW}");
        if (!transposed && (OutputPadH != 0 || OutputPadW != 0)) throw new ArgumentException("output padding applies to ConvTranspose2d only");
        if (OutputPadH < 0 || OutputPadW < 0 || OutputPadH >= StrideH || OutputPadW >= StrideW)
            throw new ArgumentException($"output padding must be smaller than the stride (PyTorch's rule), got {OutputPadH}x{OutputPadW} with stride {StrideH}x{StrideW}");
    }

    public int ConvOut(int size, bool h) => h
        ? (size + 2 * PadH - KernelH) / StrideH + 1
        : (size + 2 * PadW - KernelW) / StrideW + 1;

    /// <summary>(H - 1)*s - 2p + k + output_padding.</summary>
    public int TransposedOut(int size, bool h) => h
        ? (size - 1) * StrideH - 2 * PadH + KernelH + OutputPadH
        : (size - 1) * StrideW - 2 * PadW + KernelW + OutputPadW;

    /// <summary>Geometry of a Conv2d: the image side is its input.</summary>
    public ConvGeometry ForConv(int batch, int channels, int h, int w)
    {
        Validate(false);
        int oh = ConvOut(h, true), ow = ConvOut(w, false);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"input {h}x{w} is smaller than the {KernelH}x{KernelW} kernel with padding {PadH}x{PadW}");
        return Geometry(batch, channels, h, w, oh, ow);
    }

    /// <summary>Geometry of a ConvTranspose2d: the image side is its output, the column side its input.</summary>
    public ConvGeometry ForTransposed(int batch, int outChannels, int inH, int inW)
    {
        Validate(true);
        int oh = TransposedOut(inH, true), ow = TransposedOut(inW, false);
        if (oh < 1 || ow < 1) throw new ArgumentException($"ConvTranspose2d output would be {oh}x{ow}");
        return Geometry(batch, outChannels, oh, ow, inH, inW);
    }

    ConvGeometry Geometry(int batch, int channels, int h, int w, int oh, int ow) => new()
    {
        Batch = batch, Channels = channels, InH = h, InW = w,
        KernelH = KernelH, KernelW = KernelW, StrideH = StrideH, StrideW = StrideW, PadH = PadH, PadW = PadW,
        OutH = oh, OutW = ow,
    };
}
