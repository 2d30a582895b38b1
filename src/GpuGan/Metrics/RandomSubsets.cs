using GpuGan.Data;

namespace GpuGan.Metrics;

/// <summary>
/// Draws subsets of sample indices without replacement (the first m steps of a Fisher–Yates shuffle) from a
/// seeded <see cref="SplitMix64"/>, so a statistic averaged over subsets is the same on every run and runtime.
/// </summary>
internal sealed class RandomSubsets(ulong seed)
{
    SplitMix64 rng = new(seed);

    /// <summary>m distinct indices from [0, n), each m-subset equally likely, in random order.</summary>
    public int[] Draw(int n, int m)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, n);
        var indices = new int[n];
        for (int i = 0; i < n; i++) indices[i] = i;
        for (int t = 0; t < m; t++)
        {
            int j = t + (int)rng.NextBelow((uint)(n - t));
            (indices[t], indices[j]) = (indices[j], indices[t]);
        }
        return indices[..m];
    }
}
