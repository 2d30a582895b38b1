using GpuGan.Metrics;
using Xunit;

namespace GpuGan.Tests.Metrics;

public class GaussianStatisticsTests
{
    [Fact]
    public void MeanAndCovarianceDivideByNMinusOne()
    {
        // The corners of a 2x2 square around (1, 1) plus a third coordinate that equals the first:
        // mean (1, 1, 1); var x = var z = 4 / 3 (n - 1 = 3), var y = 4 / 3, cov(x, z) = 4 / 3, cov(x, y) = 0.
        var set = new FeatureSet(4, 3, [0, 0, 0, 2, 0, 2, 0, 2, 0, 2, 2, 2]);
        var stats = GaussianStatistics.Of(set);

        Assert.Equal(4, stats.Count);
        Assert.Equal(3, stats.Dimension);
        Assert.Equal([1.0, 1.0, 1.0], stats.Mean.ToArray());
        double[,] expected = { { 4 / 3.0, 0, 4 / 3.0 }, { 0, 4 / 3.0, 0 }, { 4 / 3.0, 0, 4 / 3.0 } };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) Assert.Equal(expected[i, j], stats.Covariance(i, j), 1e-15);
    }

    [Fact]
    public void CovarianceMatchesAPlainTwoPassLoopWithALargeMean()
    {
        // 70 features (past one 64-wide block, not a multiple of the vector width) around a mean of 1000:
        // the two-pass covariance must not lose the unit-scale spread to cancellation.
        int n = 300, d = 70;
        var set = SampleSets.Isotropic(n, d, seed: 11, shift: 1000, scale: 1);
        var stats = GaussianStatistics.Of(set);

        var mean = new double[d];
        for (int s = 0; s < n; s++) for (int j = 0; j < d; j++) mean[j] += set.Row(s)[j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        for (int i = 0; i < d; i++)
        {
            Assert.Equal(mean[i], stats.Mean[i], 1e-9);
            for (int j = 0; j < d; j++)
            {
                double c = 0;
                for (int s = 0; s < n; s++) c += (set.Row(s)[i] - mean[i]) * (set.Row(s)[j] - mean[j]);
                Assert.Equal(c / (n - 1), stats.Covariance(i, j), 1e-9);
            }
        }
        Assert.Equal(stats.Covariance(3, 61), stats.Covariance(61, 3));                  // symmetric bit for bit
    }

    [Fact]
    public void KnownStatisticsAreCopiedAndChecked()
    {
        double[] mean = [1, 2];
        double[,] cov = { { 2, 0 }, { 0, 3 } };
        var stats = new GaussianStatistics(mean, cov, count: 10);
        mean[0] = 99;
        cov[0, 0] = 99;
        Assert.Equal(1, stats.Mean[0]);
        Assert.Equal(2, stats.Covariance(0, 0));
        Assert.Equal(2, stats.CovarianceMatrix()[0, 0]);

        Assert.Throws<ArgumentException>(() => new GaussianStatistics([1, 2], new double[3, 3], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianStatistics([1], new double[1, 1], 1));
        Assert.Throws<ArgumentException>(() => GaussianStatistics.Of(new FeatureSet(1, 2, [1, 2])));
    }
}
