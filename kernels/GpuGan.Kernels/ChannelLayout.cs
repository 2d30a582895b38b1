namespace GpuGan.Kernels;

/// <summary>
/// An NCHW tensor seen as (Batch, Channels, Plane) with Plane = H*W (1 for (N, C) tensors).
/// Element (n, c, p) is at (n*Channels + c)*Plane + p.
/// </summary>
public struct ChannelLayout
{
    public int Batch, Channels, Plane;
    public readonly int PerChannel => Batch * Plane;
    public readonly int Length => Batch * Channels * Plane;
    public readonly int Offset(int n, int c) => (n * Channels + c) * Plane;
}
