using Xunit;
using GpuGan.Data;

namespace GpuGan.Tests.Data;

public class SplitMix64Tests
{
    [Fact]
    public void MatchesTheReferenceSequence()
    {
        // First outputs of the reference C implementation for seed 0.
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.Next());
        Assert.Equal(0x06C45D188009454FUL, rng.Next());
    }

    [Fact]
    public void NextBelowStaysInRangeAndCoversIt()
    {
        var rng = new SplitMix64(42);
        var seen = new int[7];
        for (int i = 0; i < 7000; i++)
            seen[rng.NextBelow(7)]++;
        Assert.All(seen, n => Assert.InRange(n, 850, 1150));
    }
}
