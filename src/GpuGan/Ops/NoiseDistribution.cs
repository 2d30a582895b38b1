namespace GpuGan.Ops;

/// <summary>What NoiseOps.Fill draws from; Ops maps it to the kernels' enum.</summary>
public enum NoiseDistribution
{
    Uniform,
    Normal,
}
