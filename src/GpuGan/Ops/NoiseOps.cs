using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

public static class NoiseOps
{
    /// <summary>
    /// Fills x[0, length) from Philox4x32-10 keyed by seed, starting at block counter; uniform: [a, b),
    /// normal: mean a, standard deviation b. Uses <see cref="BlockCount"/> blocks.
    /// </summary>
    public static void Fill(ComputeDevice dev, ArrayView<float> x, int length, NoiseDistribution d, ulong seed, uint stream, ulong counter, float a, float b) =>
        Fill(dev, x, new NoiseParams
        {
            Kind = d.ToKernel(), Key0 = (uint)seed, Key1 = (uint)(seed >> 32), Counter = counter, Stream = stream,
            A = a, B = b, Length = length,
        });

    /// <summary>Philox blocks one Fill of this length consumes (four values each).</summary>
    public static int BlockCount(int length) => NoiseFill.ThreadCount(length);

    internal delegate void NoiseLaunch(ArrayView<float> x, NoiseParams p);

    internal static readonly OpVariants<NoiseLaunch> Variants = new OpVariants<NoiseLaunch>("NoiseFill")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, NoiseParams, ElementRange>(NoiseFill.Kernel);
            return (x, p) =>
            {
                using var _ = dev.Launch("NoiseFill", p.Kind, "", 40.0 * p.Length, 4.0 * p.Length);
                var r = dev.Range(NoiseFill.ThreadCount(p.Length));
                k(r.Threads, x, p, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    internal static void Fill(ComputeDevice dev, ArrayView<float> x, NoiseParams p) => Variants.For(dev)(x, p);
}
