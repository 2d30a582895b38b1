using GpuGan.Metrics;
using Xunit;

namespace GpuGan.Tests.Metrics;

public class PrecisionRecallTests
{
    // Real: the integers 0..9 on a line. With k = 3 the end points' third neighbour is 3 away and every
    // other point's is 2 away (e.g. 1: 0 and 2 at 1, 3 at 2), so the real balls cover [-3, 12].
    static readonly FeatureSet Real = SampleSets.Line(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

    [Fact]
    public void KnnRadiiOfPointsOnALine()
    {
        Assert.Equal([9.0, 4, 4, 4, 4, 4, 4, 4, 4, 9], KnnManifold.Of(Real, k: 3).SquaredRadii.ToArray());
        Assert.Equal([1.0, 1, 1, 1, 1, 1, 1, 1, 1, 1], KnnManifold.Of(Real, k: 1).SquaredRadii.ToArray());
        // A duplicate is a neighbour at distance 0: 5's nearest is its copy.
        Assert.Equal(0.0, KnnManifold.Of(SampleSets.Line(0, 5, 5, 10), k: 1).SquaredRadii[1]);
    }

    [Fact]
    public void TwoClustersOnALine()
    {
        // Fake: a cluster on the real points' left end and one far away. Within each cluster of four points
        // spaced 0.5 apart the third neighbour is 1.5 (ends) or 1 (middle) away, so the fake balls cover
        // [-1.5, 3] and [28.5, 33]: real 0, 1, 2, 3 are inside (recall 4/10), and of the fake points only the
        // first cluster is inside the real balls (precision 4/8). 3 lies exactly on a ball's edge: inside.
        var fake = SampleSets.Line(0, 0.5, 1, 1.5, 30, 30.5, 31, 31.5);
        Assert.Equal([2.25, 1, 1, 2.25, 2.25, 1, 1, 2.25], KnnManifold.Of(fake, k: 3).SquaredRadii.ToArray());

        Assert.Equal(new PrecisionRecall(Precision: 0.5, Recall: 0.4, K: 3), PrecisionRecall.Compute(fake, Real));
    }

    [Fact]
    public void ABallIncludesItsEdge()
    {
        // -3 is exactly 3 from real point 0 (whose radius is 3); -3.01 is outside every real ball.
        var fake = SampleSets.Line(-3, -3.01, -10, -11, -12);
        Assert.Equal(0.2, PrecisionRecall.Compute(fake, Real).Precision);
    }

    [Fact]
    public void DisjointSetsScoreZeroAndIdenticalSetsOne()
    {
        Assert.Equal(new PrecisionRecall(0, 0, 3), PrecisionRecall.Compute(SampleSets.Line(100, 101, 102, 103, 104, 105), Real));

        var set = SampleSets.Isotropic(150, 9, seed: 3);
        Assert.Equal(new PrecisionRecall(1, 1, 3), PrecisionRecall.Compute(set, set));
    }

    [Fact]
    public void TwoDimensionalGrids()
    {
        // Real: a 5x5 unit grid. A corner's third neighbour is the diagonal one, sqrt(2) away; every other
        // point has three at distance 1. The same holds for a shifted copy.
        var real = Grid(xShift: 0, yShift: 0);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => i is 0 or 4 or 20 or 24 ? 2.0 : 1.0), KnnManifold.Of(real, 3).SquaredRadii.ToArray());

        // Shifted by (0.5, 0.5): every point of either grid is sqrt(0.5) < 1 from one of the other's.
        Assert.Equal(new PrecisionRecall(1, 1, 3), PrecisionRecall.Compute(Grid(0.5, 0.5), real));

        // Shifted by 4.5 along x: only the facing columns (real x = 4, fake x = 4.5) are 0.5 apart; the next
        // columns are 1.5 > sqrt(2) from anything across. Precision = recall = 5 / 25.
        Assert.Equal(new PrecisionRecall(0.2, 0.2, 3), PrecisionRecall.Compute(Grid(4.5, 0), real));
    }

    [Fact]
    public void MatchesABruteForceCountOnRandomSets()
    {
        // Sizes past the 32-row and 64-column blocks, 13 features (a scalar tail after the vectors).
        var fake = SampleSets.Isotropic(150, 13, seed: 7, shift: 0.4, scale: 1.2);
        var real = SampleSets.Isotropic(131, 13, seed: 8);

        double[] fakeRadii = BruteForceRadii(fake, 3), realRadii = BruteForceRadii(real, 3);
        var manifold = KnnManifold.Of(real, 3);
        for (int i = 0; i < real.Count; i++)
            Assert.Equal(realRadii[i], manifold.SquaredRadii[i], 1e-12 * realRadii[i]);

        int precisionCount = Enumerable.Range(0, fake.Count).Count(i => Enumerable.Range(0, real.Count).Any(j => Distance2(fake.Row(i), real.Row(j)) <= realRadii[j]));
        int recallCount = Enumerable.Range(0, real.Count).Count(i => Enumerable.Range(0, fake.Count).Any(j => Distance2(real.Row(i), fake.Row(j)) <= fakeRadii[j]));
        var pr = PrecisionRecall.Compute(fake, real);
        Assert.Equal((double)precisionCount / fake.Count, pr.Precision);
        Assert.Equal((double)recallCount / real.Count, pr.Recall);
        Assert.InRange(pr.Precision, 0.05, 0.95);                                            // neither trivially 0 nor 1
        Assert.InRange(pr.Recall, 0.05, 0.95);
    }

    [Fact]
    public void NeedsMoreSamplesThanK()
    {
        var e = Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(SampleSets.Line(1, 2, 3), Real));
        Assert.Contains("more than 3 samples", e.Message);
    }

    /// <summary>The 5x5 unit grid, shifted.</summary>
    static FeatureSet Grid(double xShift, double yShift)
    {
        var points = new List<float>();
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++) { points.Add((float)(x + xShift)); points.Add((float)(y + yShift)); }
        return new FeatureSet(25, 2, points.ToArray());
    }

    static double[] BruteForceRadii(FeatureSet set, int k) =>
        Enumerable.Range(0, set.Count)
            .Select(i => Enumerable.Range(0, set.Count).Where(j => j != i).Select(j => Distance2(set.Row(i), set.Row(j))).Order().ElementAt(k - 1))
            .ToArray();

    static double Distance2(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return sum;
    }
}
