namespace GpuGan.Kernels;

/// <summary>
/// Shape of one 2-D convolution seen from its "image" side (In: N, C, H, W) and its "column" side
/// (Out: OutH x OutW positions). ConvTranspose2d uses the same geometry with the roles swapped: its output
/// is the image side and its input the column side.
/// </summary>
public struct ConvGeometry
{
    public int Batch, Channels, InH, InW;
    public int KernelH, KernelW, StrideH, StrideW, PadH, PadW;
    public int OutH, OutW;

    public readonly int ColumnRows => Channels * KernelH * KernelW;   // K of the GEMM
    public readonly int ColumnCols => OutH * OutW;                    // per image
    public readonly int ColumnLength => Batch * ColumnRows * ColumnCols;
    public readonly int ImageLength => Batch * Channels * InH * InW;
}
