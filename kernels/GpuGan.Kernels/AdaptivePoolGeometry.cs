namespace GpuGan.Kernels;

/// <summary>
/// Shape of one adaptive 2-D pooling: input (Batch, Channels, InH, InW), output (Batch, Channels, OutH, OutW).
/// Output row i covers input rows floor(i*InH/OutH) .. ceil((i+1)*InH/OutH)-1, columns likewise (PyTorch's
/// adaptive pooling windows: they tile the input, overlapping by a row or column where the sizes do not divide).
/// </summary>
public struct AdaptivePoolGeometry
{
    public int Batch, Channels, InH, InW, OutH, OutW;

    public readonly int InputLength => Batch * Channels * InH * InW;
    public readonly int OutputLength => Batch * Channels * OutH * OutW;

    /// <summary>First input row (or column) of window <paramref name="o"/> of <paramref name="outSize"/> over <paramref name="inSize"/>: floor(o*in/out).</summary>
    public static int Start(int o, int inSize, int outSize) => o * inSize / outSize;

    /// <summary>One past the last input row (or column) of window <paramref name="o"/>: ceil((o+1)*in/out).</summary>
    public static int End(int o, int inSize, int outSize) => ((o + 1) * inSize + outSize - 1) / outSize;
}
