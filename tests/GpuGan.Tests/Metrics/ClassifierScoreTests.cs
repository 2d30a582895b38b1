using GpuGan.Metrics;
using Xunit;

namespace GpuGan.Tests.Metrics;

public class ClassifierScoreTests
{
    [Fact]
    public void UniformPredictionsScoreOne()
    {
        var set = WithProbabilities(Enumerable.Repeat(Enumerable.Repeat(0.1f, 10).ToArray(), 40).ToArray());
        Assert.Equal(1.0, ClassifierScore.Compute(set), 1e-12);
    }

    [Fact]
    public void ConfidentPredictionsSpreadEvenlyScoreTheNumberOfClasses()
    {
        var set = WithProbabilities(Enumerable.Range(0, 50).Select(s => OneHot(s % 10)).ToArray());
        Assert.Equal(10.0, ClassifierScore.Compute(set), 1e-12);

        // The same confidence on only two classes scores 2: the score counts distinct, sure classes.
        var two = WithProbabilities(Enumerable.Range(0, 50).Select(s => OneHot(s % 2 * 7)).ToArray());
        Assert.Equal(2.0, ClassifierScore.Compute(two), 1e-12);
    }

    [Fact]
    public void AMixedSetMatchesTheKlDefinition()
    {
        // p(y|x) = (1, 0) and (1/2, 1/2): p(y) = (3/4, 1/4), KL = ln(4/3) and (1/2)ln(2/3) + (1/2)ln 2 = (1/2)ln(4/3);
        // the mean is (3/4)ln(4/3), so the score is (4/3)^(3/4).
        var set = WithProbabilities([1f, 0f], [0.5f, 0.5f]);
        Assert.Equal(Math.Pow(4.0 / 3, 0.75), ClassifierScore.Compute(set), 1e-14);
    }

    [Fact]
    public void EvenHistogramHasEntropyLnTen()
    {
        var histogram = ClassHistogram.Of(WithProbabilities(Enumerable.Range(0, 50).Select(s => OneHot(s % 10)).ToArray()));
        Assert.Equal(Enumerable.Repeat(5, 10), histogram.Counts);
        Assert.Equal(10, histogram.ClassesPresent);
        Assert.Equal(50, histogram.Total);
        Assert.Equal(Math.Log(10), histogram.EntropyNats, 1e-14);
        Assert.Equal(Math.Log(10), histogram.MaxEntropyNats, 1e-15);
    }

    [Fact]
    public void HistogramCountsArgmaxClasses()
    {
        // Three samples whose largest probability is class 3, one class 8, one a tie between 1 and 2 (goes to 1).
        var set = WithProbabilities(
            Soft(3, 0.5f), Soft(3, 0.3f), Soft(3, 0.9f), Soft(8, 0.2f),
            [0f, 0.4f, 0.4f, 0.2f, 0f, 0f, 0f, 0f, 0f, 0f]);
        var histogram = ClassHistogram.Of(set);
        Assert.Equal([0, 1, 0, 3, 0, 0, 0, 0, 1, 0], histogram.Counts);
        Assert.Equal(3, histogram.ClassesPresent);
        Assert.Equal(-(0.6 * Math.Log(0.6) + 2 * 0.2 * Math.Log(0.2)), histogram.EntropyNats, 1e-14);

        var collapsed = ClassHistogram.Of(WithProbabilities(OneHot(4), OneHot(4), OneHot(4)));
        Assert.Equal(1, collapsed.ClassesPresent);
        Assert.Equal(0.0, collapsed.EntropyNats);
    }

    [Fact]
    public void NeedsProbabilities()
    {
        var set = new FeatureSet(3, 2, new float[6]);
        Assert.Throws<InvalidOperationException>(() => ClassifierScore.Compute(set));
        Assert.Throws<InvalidOperationException>(() => ClassHistogram.Of(set));
    }

    static float[] OneHot(int c)
    {
        var p = new float[10];
        p[c] = 1;
        return p;
    }

    /// <summary>Class c gets probability <paramref name="top"/> + the rest spread evenly (top > rest).</summary>
    static float[] Soft(int c, float top)
    {
        var p = Enumerable.Repeat((1 - top) / 10, 10).ToArray();
        p[c] += top;
        return p;
    }

    static FeatureSet WithProbabilities(params float[][] rows) =>
        new(rows.Length, 1, new float[rows.Length], rows.SelectMany(r => r).ToArray());
}
