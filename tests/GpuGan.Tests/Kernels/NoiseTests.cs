using GpuGan.Check;
using GpuGan.Kernels;
using GpuGan.Ops;
using GpuGan.Tests.Reference;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>Philox4x32-10 against the Random123 known answers, and NoiseOps.Fill against the host reference.</summary>
[Collection(CpuFamilyCollection.Name)]
public class NoiseTests(CpuFamilyFixture fixture)
{
    // Random123 kat_vectors, philox4x32 10 rounds: counter, key, expected output
    public static IEnumerable<object[]> KnownAnswers =>
    [
        [new uint[] { 0, 0, 0, 0 }, new uint[] { 0, 0 }, new uint[] { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 }],
        [new uint[] { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff }, new uint[] { 0xffffffff, 0xffffffff }, new uint[] { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd }],
        [new uint[] { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 }, new uint[] { 0xa4093822, 0x299f31d0 }, new uint[] { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 }],
    ];

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void ReferenceMatchesRandom123KnownAnswers(uint[] counter, uint[] key, uint[] expected)
    {
        Assert.Equal(expected, Philox4x32Ref.Generate(counter, key));
    }

    [Fact]
    public void KernelPhiloxBlockMatchesKnownAnswerWithZeroHighWord()
    {
        // the kernel's counter is (lo32, hi32, stream, 0): the all-zero vector is expressible directly
        Philox.Block(0, 0, 0, 0, out uint r0, out uint r1, out uint r2, out uint r3);
        Assert.Equal(new uint[] { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 }, new[] { r0, r1, r2, r3 });
    }

    static float[] Fill(GpuGan.Device.ComputeDevice dev, NoiseParams p, int extra = 0)
    {
        using var t = dev.Allocate(p.Length + extra);
        var nan = new float[t.Length];
        Array.Fill(nan, float.NaN);
        t.CopyFrom(nan);
        NoiseOps.Fill(dev, t.View, p);
        return t.ToArray();
    }

    static NoiseParams Params(NoiseKind kind, uint k0, uint k1, ulong counter, uint stream, int length, float a = 0f, float b = 1f) =>
        new() { Kind = kind, Key0 = k0, Key1 = k1, Counter = counter, Stream = stream, Length = length, A = a, B = b };

    [Theory]
    [InlineData(0u, 0u, 0ul, 0u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffffffffffUL - 3, 0xffffffffu)]   // counter wraps inside the call
    [InlineData(0xa4093822u, 0x299f31d0u, 0x85a308d3_243f6a88UL, 0x13198a2eu)]
    [InlineData(12345u, 678u, 0x1_0000_0000UL - 2, 7u)]                            // low word carries into the high word
    public void UniformBitsMatchReferenceOnKernelPacking(uint k0, uint k1, ulong counter, uint stream)
    {
        const int len = 4 * 9 + 3; // not a multiple of 4
        var got = Fill(fixture.Device, Params(NoiseKind.Uniform, k0, k1, counter, stream, len), extra: 5);
        for (int i = 0; i < len; i++)
        {
            var block = Philox4x32Ref.Generate(Philox4x32Ref.KernelCounter(unchecked(counter + (ulong)(i / 4)), stream), [k0, k1]);
            Assert.Equal(Philox4x32Ref.Unit(block[i % 4]), (double)got[i]);
        }
        for (int i = len; i < got.Length; i++) Assert.True(float.IsNaN(got[i]), $"wrote past Length at {i}");
    }

    [Fact]
    public void NormalMatchesBoxMullerOnReferenceBits()
    {
        uint k0 = (uint)TestSeed.For("noise.normal"), k1 = 99;
        const int len = 4001;
        var got = Fill(fixture.Device, Params(NoiseKind.Normal, k0, k1, 17, 3, len, a: 0.5f, b: 2f), extra: 3);
        var expected = new double[len];
        for (int blk = 0; blk * 4 < len; blk++)
        {
            var r = Philox4x32Ref.Generate(Philox4x32Ref.KernelCounter(17 + (ulong)blk, 3), [k0, k1]);
            for (int pair = 0; pair < 2; pair++)
            {
                double rad = Math.Sqrt(-2 * Math.Log(Philox4x32Ref.UnitOpenZero(r[2 * pair])));
                double ang = 2 * Math.PI * Philox4x32Ref.Unit(r[2 * pair + 1]);
                int i = blk * 4 + 2 * pair;
                if (i < len) expected[i] = 0.5 + 2 * rad * Math.Cos(ang);
                if (i + 1 < len) expected[i + 1] = 0.5 + 2 * rad * Math.Sin(ang);
            }
        }
        var c = Comparison.Of("normal", got.Take(len).Select(f => (double)f).ToArray(), expected, 1e-5);
        Assert.True(c.Passed, $"{TestSeed.Hint("noise.normal")} {c.Failure}");
        for (int i = len; i < got.Length; i++) Assert.True(float.IsNaN(got[i]));
    }

    [Fact]
    public void SameSeedSameNumbersDifferentCounterStreamOrKeyDifferent()
    {
        uint k0 = (uint)TestSeed.For("noise.same"), k1 = 5;
        var dev = fixture.Device;
        var a = Fill(dev, Params(NoiseKind.Normal, k0, k1, 100, 0, 1027));
        var b = Fill(dev, Params(NoiseKind.Normal, k0, k1, 100, 0, 1027));
        Assert.Equal(a, b);
        var shifted = Fill(dev, Params(NoiseKind.Normal, k0, k1, 101, 0, 1023));
        Assert.Equal(a.Skip(4).ToArray(), shifted);                // counter + 1 is the next block
        var other = Fill(dev, Params(NoiseKind.Normal, k0, k1, 100 + 1027, 0, 1027));
        Assert.True(a.Zip(other).Count(p => p.First == p.Second) < 3, "a later counter repeated the numbers");
        var stream = Fill(dev, Params(NoiseKind.Normal, k0, k1, 100, 1, 1027));
        Assert.True(a.Zip(stream).Count(p => p.First == p.Second) < 3, "another stream repeated the numbers");
        var key = Fill(dev, Params(NoiseKind.Normal, k0 ^ 1, k1, 100, 0, 1027));
        Assert.True(a.Zip(key).Count(p => p.First == p.Second) < 3, "another key repeated the numbers");
    }

    [Fact]
    public void UniformAndNormalMomentsWithinFiveStandardErrors()
    {
        const int n = 1_000_003; // not a multiple of 4
        uint k0 = (uint)TestSeed.For("noise.moments"), k1 = 0x1234;
        string hint = TestSeed.Hint("noise.moments");

        double lo = -1.5, hi = 2.5;
        var u = Fill(fixture.Device, Params(NoiseKind.Uniform, k0, k1, 0, 0, n, (float)lo, (float)hi), extra: 1);
        Assert.True(float.IsNaN(u[n]), "uniform wrote past Length");
        var us = u.Take(n).Select(f => (double)f).ToArray();
        Assert.All(us, v => Assert.True(v >= lo && v < hi, $"{hint} uniform {v} outside [{lo}, {hi})"));
        double width = hi - lo;
        CheckMoments(us, (lo + hi) / 2, width * width / 12, Math.Pow(width, 4) / 80, "uniform", hint);

        double mu = -0.25, sigma = 1.75;
        var z = Fill(fixture.Device, Params(NoiseKind.Normal, k0, k1, 1 << 20, 2, n, (float)mu, (float)sigma), extra: 1);
        Assert.True(float.IsNaN(z[n]), "normal wrote past Length");
        var zs = z.Take(n).Select(f => (double)f).ToArray();
        Assert.All(zs, v => Assert.True(double.IsFinite(v)));
        CheckMoments(zs, mu, sigma * sigma, 3 * Math.Pow(sigma, 4), "normal", hint);
    }

    /// <summary>Sample mean and variance within 5 standard errors (SE(var) = sqrt((mu4 - var^2)/n)).</summary>
    static void CheckMoments(double[] x, double mean, double variance, double mu4, string what, string hint)
    {
        int n = x.Length;
        double m = x.Average();
        double v = x.Sum(t => (t - m) * (t - m)) / (n - 1);
        double seMean = Math.Sqrt(variance / n), seVar = Math.Sqrt((mu4 - variance * variance) / n);
        Assert.True(Math.Abs(m - mean) <= 5 * seMean, $"{hint} {what} mean {m} vs {mean} (5 SE = {5 * seMean})");
        Assert.True(Math.Abs(v - variance) <= 5 * seVar, $"{hint} {what} variance {v} vs {variance} (5 SE = {5 * seVar})");
    }
}
