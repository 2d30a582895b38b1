using GpuGan.Device;
using GpuGan.Ops;
using Xunit;

namespace GpuGan.Tests.Host;

/// <summary>The non-finite check on both CPU variants (host SIMD scan and ILGPU kernel): the same bit for the same data.</summary>
public sealed class NonFiniteFlagTests
{
    public static TheoryData<int, int, float> Cases()
    {
        var d = new TheoryData<int, int, float>();
        foreach (int length in new[] { 1, 7, 8, 33, 1000 })
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                d.Add(length, 0, bad);              // first element (inside a vector when length allows)
                if (length > 1)                     // (of length 1 the first is the last: xunit would skip the twin)
                    d.Add(length, length - 1, bad); // last element (the scalar tail for odd lengths)
            }
        d.Add(33, -1, 0f);                          // all finite, incl. -0, float.MaxValue, subnormals
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Both_cpu_variants_flag_exactly_the_non_finite_tensors(int length, int at, float bad)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++) data[i] = i % 3 == 0 ? -0f : i % 3 == 1 ? float.MaxValue : 1e-40f;
        if (at >= 0) data[at] = bad;
        foreach (var kernels in new[] { CpuKernelVariant.Simd, CpuKernelVariant.Ilgpu })
        {
            using var dev = ComputeDevice.CreateCpu(cpuKernels: kernels);
            using var x = dev.Allocate(length);
            x.CopyFrom(data);
            using var flag = dev.AllocateInts(1);
            flag.CopyFrom([1]);                       // other bits are kept
            ElementwiseOps.FlagNonFinite(dev, x.View, length, flag.View, 4);
            Assert.Equal(at >= 0 ? 5 : 1, flag.ToArray()[0]);
        }
    }
}
