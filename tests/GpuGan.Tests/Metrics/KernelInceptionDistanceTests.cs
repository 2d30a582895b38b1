using GpuGan.Metrics;
using Xunit;

namespace GpuGan.Tests.Metrics;

public class KernelInceptionDistanceTests
{
    [Fact]
    public void OneSubsetOfTheWholeSetsIsTheUnbiasedMmdOfTheSets()
    {
        // 70 samples (past a 64-column block, not a multiple of the 2x4 tiles) of 5 features (a scalar tail).
        var fake = SampleSets.Isotropic(70, 5, seed: 1, shift: 0.3);
        var real = SampleSets.Isotropic(70, 5, seed: 2, scale: 1.5);

        var kid = KernelInceptionDistance.Compute(fake, real, subsets: 1);

        Assert.Equal(1, kid.Subsets);
        Assert.Equal(70, kid.SubsetSize);
        Assert.Equal(0, kid.StandardDeviation);
        double expected = PlainUnbiasedMmd2(fake, Enumerable.Range(0, 70).ToArray(), real, Enumerable.Range(0, 70).ToArray());
        Assert.Equal(expected, kid.Mean, 1e-12 * Math.Abs(expected));
        Assert.True(expected > 0.05, $"MMD² {expected:G4}: the sets differ, the test would not see a wrong sign");
    }

    [Fact]
    public void SubsetsAreDrawnFromTheSeedAndAveraged()
    {
        var fake = SampleSets.Isotropic(50, 6, seed: 3, shift: 0.5);
        var real = SampleSets.Isotropic(40, 6, seed: 4);

        var kid = KernelInceptionDistance.Compute(fake, real, seed: 7, subsets: 5, subsetSize: 20);

        // The same draws, in the same order (fake, then real, per subset), computed plainly.
        var draws = new RandomSubsets(7);
        var estimates = new double[5];
        for (int s = 0; s < 5; s++)
        {
            int[] f = draws.Draw(50, 20), r = draws.Draw(40, 20);
            estimates[s] = PlainUnbiasedMmd2(fake, f, real, r);
        }
        double mean = estimates.Average();
        double std = Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / 5);   // population form, as torch-fidelity
        Assert.Equal(20, kid.SubsetSize);
        Assert.Equal(mean, kid.Mean, 1e-12 * Math.Abs(mean));
        Assert.Equal(std, kid.StandardDeviation, 1e-9 * std);
        Assert.True(std > 0);

        Assert.Equal(kid, KernelInceptionDistance.Compute(fake, real, seed: 7, subsets: 5, subsetSize: 20));
        Assert.NotEqual(kid.Mean, KernelInceptionDistance.Compute(fake, real, seed: 8, subsets: 5, subsetSize: 20).Mean);
    }

    [Fact]
    public void SameDistributionGivesKidNearZeroAndAShiftedOneDoesNot()
    {
        // The default 100 subsets; subsets of 250 from 1,000 samples per side, so that they differ.
        var fake = SampleSets.Isotropic(1000, 16, seed: 5);
        var real = SampleSets.Isotropic(1000, 16, seed: 6);
        var same = KernelInceptionDistance.Compute(fake, real, subsetSize: 250);
        Assert.Equal(100, same.Subsets);
        Assert.True(Math.Abs(same.Mean) < 3 * same.StandardDeviation, $"KID {same.Mean:G3} ± {same.StandardDeviation:G3}");

        var shifted = KernelInceptionDistance.Compute(SampleSets.Isotropic(1000, 16, seed: 5, shift: 0.5), real, subsetSize: 250);
        Assert.True(shifted.Mean > 10 * shifted.StandardDeviation, $"KID {shifted.Mean:G3} ± {shifted.StandardDeviation:G3}");
        Assert.True(shifted.Mean > 20 * Math.Abs(same.Mean));
    }

    [Fact]
    public void SubsetSizeIsCappedByTheSmallerSet()
    {
        var kid = KernelInceptionDistance.Compute(SampleSets.Isotropic(30, 4, seed: 1), SampleSets.Isotropic(12, 4, seed: 2), subsets: 3);
        Assert.Equal(12, kid.SubsetSize);
        Assert.Throws<ArgumentException>(() => KernelInceptionDistance.Compute(SampleSets.Isotropic(30, 4, seed: 1), SampleSets.Isotropic(1, 4, seed: 2)));
        Assert.Throws<ArgumentException>(() => KernelInceptionDistance.Compute(SampleSets.Isotropic(30, 4, seed: 1), SampleSets.Isotropic(30, 5, seed: 2)));
    }

    [Fact]
    public void RandomSubsetsAreDistinctIndicesInRange()
    {
        var draws = new RandomSubsets(42);
        var counts = new int[10];
        for (int t = 0; t < 2000; t++)
        {
            int[] subset = draws.Draw(10, 4);
            Assert.Equal(4, subset.Distinct().Count());
            foreach (int i in subset) counts[i]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 700, 900));                        // each index in 4/10 of the draws
    }

    /// <summary>The estimator written out pair by pair, as in the paper.</summary>
    static double PlainUnbiasedMmd2(FeatureSet x, int[] xi, FeatureSet y, int[] yi)
    {
        int m = xi.Length, d = x.Dimension;
        double Kernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            double dot = 0;
            for (int k = 0; k < d; k++) dot += a[k] * b[k];
            return Math.Pow(dot / d + 1, 3);
        }
        double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                if (i != j)
                {
                    xx += Kernel(x.Row(xi[i]), x.Row(xi[j]));
                    yy += Kernel(y.Row(yi[i]), y.Row(yi[j]));
                }
                xy += Kernel(x.Row(xi[i]), y.Row(yi[j]));
            }
        return xx / (m * (m - 1.0)) + yy / (m * (m - 1.0)) - 2 * xy / ((double)m * m);
    }
}
