namespace GpuGan.Kernels;

/// <summary>
/// Shape of one 2-D pooling: input (Batch, Channels, InH, InW), windows KernelH x KernelW every StrideH/StrideW
/// rows/columns starting PadH/PadW outside the image, output (Batch, Channels, OutH, OutW) (floor mode).
/// </summary>
public struct PoolGeometry
{
    public int Batch, Channels, InH, InW;
    public int KernelH, KernelW, StrideH, StrideW, PadH, PadW;
    public int OutH, OutW;

    public readonly int InputLength => Batch * Channels * InH * InW;
    public readonly int OutputLength => Batch * Channels * OutH * OutW;
}
