namespace GpuGan.Kernels;

public struct BatchNormParams
{
    public ChannelLayout Layout;
    public float Eps;
    public float Momentum;
    /// <summary>1: normalise with batch statistics (training); 0: with running statistics.</summary>
    public int Training;
}
