using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Rng;

/// <summary>
/// Device-side random numbers from Philox4x32-10. The whole state is (Seed, Counter): save both and the
/// stream of numbers continues exactly. Uniform bits are identical on every accelerator; Gaussian values
/// agree up to each backend's log/cos rounding.
/// </summary>
public sealed class NoiseGenerator(ComputeDevice device, ulong seed, uint stream = 0)
{
    public ulong Seed { get; } = seed;
    public uint Stream { get; } = stream;

    /// <summary>Philox blocks consumed so far (four values each).</summary>
    public ulong Counter { get; set; }

    public void Normal(Tensor x, float mean = 0f, float std = 1f) => Fill(x, NoiseDistribution.Normal, mean, std);

    public void Uniform(Tensor x, float low = 0f, float high = 1f) => Fill(x, NoiseDistribution.Uniform, low, high);

    void Fill(Tensor x, NoiseDistribution d, float a, float b)
    {
        NoiseOps.Fill(device, x.View, x.Length, d, Seed, Stream, Counter, a, b);
        Counter += (ulong)NoiseOps.BlockCount(x.Length);
    }
}
