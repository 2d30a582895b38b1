using GpuGan.Device;
using GpuGan.Kernels;
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

    public void Normal(Tensor x, float mean = 0f, float std = 1f) => Fill(x, NoiseKind.Normal, mean, std);

    public void Uniform(Tensor x, float low = 0f, float high = 1f) => Fill(x, NoiseKind.Uniform, low, high);

    void Fill(Tensor x, NoiseKind kind, float a, float b)
    {
        var p = new NoiseParams
        {
            Kind = kind, Key0 = (uint)Seed, Key1 = (uint)(Seed >> 32), Counter = Counter, Stream = Stream,
            A = a, B = b, Length = x.Length,
        };
        NoiseOps.Fill(device, x.View, p);
        Counter += (ulong)NoiseFill.ThreadCount(x.Length);
    }
}
