using GpuGan.Metrics;
using Xunit;
using static GpuGan.Tests.Metrics.ReferenceMatrix;

namespace GpuGan.Tests.Metrics;

public class FrechetDistanceTests
{
    [Fact]
    public void ASetIsAtDistanceZeroFromItself()
    {
        var set = SampleSets.Isotropic(500, 16, seed: 5, shift: 3, scale: 4);
        var stats = GaussianStatistics.Of(set);
        double scale = 2 * Enumerable.Range(0, 16).Sum(i => stats.Covariance(i, i));   // tr(S1) + tr(S2), what cancels

        double fid = FrechetDistance.Compute(set, set);
        Assert.True(Math.Abs(fid) < 1e-9 * scale, $"FID(x, x) = {fid:G3}, scale {scale:G3}");
    }

    [Fact]
    public void DiagonalCovariancesMatchTheClosedForm()
    {
        // Diagonal S1, S2: tr sqrt(S1·S2) = Σ sqrt(a_i·b_i), so FID = |μ1 - μ2|² + Σ (sqrt(a_i) - sqrt(b_i))².
        double[] a = [1, 4, 9, 0.25], b = [4, 4, 1, 2];
        double[] mu1 = [0, 1, 2, 3], mu2 = [1, 1, 0, 3];
        double expected = 1 + 4 + Enumerable.Range(0, 4).Sum(i => Math.Pow(Math.Sqrt(a[i]) - Math.Sqrt(b[i]), 2));

        double fid = FrechetDistance.Compute(new GaussianStatistics(mu1, Diagonal(a), 100), new GaussianStatistics(mu2, Diagonal(b), 100));
        Assert.Equal(expected, fid, 1e-12);
    }

    [Fact]
    public void CommutingCovariancesMatchTheClosedForm()
    {
        // S1 = Q·diag(a)·Qᵀ and S2 = Q·diag(b)·Qᵀ share eigenvectors: again Σ (sqrt(a_i) - sqrt(b_i))².
        double c = Math.Cos(0.7), s = Math.Sin(0.7);
        double[,] q = { { c, -s, 0 }, { s, c, 0 }, { 0, 0, 1 } };
        q = Multiply(q, new double[,] { { 1, 0, 0 }, { 0, c, -s }, { 0, s, c } });
        double[] a = [3, 0.5, 2], b = [1, 2, 2];
        var s1 = Multiply(Multiply(q, Diagonal(a)), Transpose(q));
        var s2 = Multiply(Multiply(q, Diagonal(b)), Transpose(q));
        double expected = Enumerable.Range(0, 3).Sum(i => Math.Pow(Math.Sqrt(a[i]) - Math.Sqrt(b[i]), 2));

        double fid = FrechetDistance.Compute(new GaussianStatistics([0, 0, 0], s1, 100), new GaussianStatistics([0, 0, 0], s2, 100));
        Assert.Equal(expected, fid, 1e-12);
    }

    [Fact]
    public void NonCommutingCovariancesMatchADenmanBeaversReference()
    {
        var (mu1, s1, mu2, s2) = NonCommutingPair();
        Assert.True(RelativeError(Multiply(s1, s2), Multiply(s2, s1)) > 0.1);           // they really do not commute

        // tr sqrt(S1·S2) by Denman–Beavers on the non-symmetric product, no eigen-decomposition involved.
        var rootOfProduct = DenmanBeaversSqrt(Multiply(s1, s2));
        Assert.True(RelativeError(Multiply(rootOfProduct, rootOfProduct), Multiply(s1, s2)) < 1e-12);
        double meanTerm = Enumerable.Range(0, 3).Sum(i => (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]));
        double expected = meanTerm + Trace(s1) + Trace(s2) - 2 * Trace(rootOfProduct);

        double fid = FrechetDistance.Compute(new GaussianStatistics(mu1, s1, 100), new GaussianStatistics(mu2, s2, 100));
        Assert.Equal(expected, fid, 1e-11);
        Assert.Equal(5.348878801832857, fid, 1e-11);   // also from a Python Denman–Beavers with cofactor inverses
    }

    [Fact]
    public void SamplesFromTwoGaussiansConvergeToTheirDistance()
    {
        // 100,000 samples per side in 3-D. FID's bias is O(d / n), about 1e-4 here; its spread over seeds was
        // measured as 0.044 at n = 20,000 and 0.017 at n = 200,000 (10 seeds each), so about 0.025 at this n:
        // within 0.08 (1.5 % of the figure) is a 3-sigma band.
        var (mu1, s1, mu2, s2) = NonCommutingPair();
        double exact = FrechetDistance.Compute(new GaussianStatistics(mu1, s1, 100), new GaussianStatistics(mu2, s2, 100));
        var fake = SampleSets.Gaussian(100_000, mu1, Cholesky(s1), seed: 21);
        var real = SampleSets.Gaussian(100_000, mu2, Cholesky(s2), seed: 22);

        double sampled = FrechetDistance.Compute(fake, real);
        Assert.True(Math.Abs(sampled - exact) < 0.08, $"sampled {sampled:F4}, exact {exact:F4}");
    }

    [Fact]
    public void SetsAndTheirStatisticsGiveTheSameDistance()
    {
        var fake = SampleSets.Isotropic(300, 12, seed: 8, shift: 0.5);
        var real = SampleSets.Isotropic(400, 12, seed: 9);
        Assert.Equal(FrechetDistance.Compute(GaussianStatistics.Of(fake), GaussianStatistics.Of(real)), FrechetDistance.Compute(fake, real));
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(fake, SampleSets.Isotropic(400, 11, seed: 9)));
    }

    static (double[] Mu1, double[,] S1, double[] Mu2, double[,] S2) NonCommutingPair() => (
        [1, 0, -1], new double[,] { { 2, 0.8, 0.3 }, { 0.8, 1.5, -0.4 }, { 0.3, -0.4, 1 } },
        [0, 1.5, -0.5], new double[,] { { 1, -0.5, 0 }, { -0.5, 3, 1.2 }, { 0, 1.2, 2 } });
}
