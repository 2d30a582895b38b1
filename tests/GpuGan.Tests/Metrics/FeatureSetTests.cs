using GpuGan.Metrics;
using Xunit;

namespace GpuGan.Tests.Metrics;

public class FeatureSetTests
{
    [Fact]
    public void RowsAreTheRowMajorFeaturesCopied()
    {
        float[] features = [1, 2, 3, 4, 5, 6];
        float[] probabilities = [0.25f, 0.75f, 1, 0, 0.5f, 0.5f];
        var set = new FeatureSet(3, 2, features, probabilities);
        features[2] = 99;                                                   // the caller reuses its buffer
        probabilities[0] = 0.5f;

        Assert.Equal((3, 2, 2), (set.Count, set.Dimension, set.Classes));
        Assert.Equal([3.0, 4.0], set.Row(1).ToArray());
        Assert.Equal([0.25, 0.75], set.ProbabilityRow(0).ToArray());
        Assert.False(new FeatureSet(3, 2, features).HasProbabilities);
        Assert.Equal(0, new FeatureSet(3, 2, features).Classes);
    }

    [Fact]
    public void RefusesWrongShapesNonFiniteValuesAndLogits()
    {
        Assert.Contains("count * dimension", Assert.Throws<ArgumentException>(() => new FeatureSet(3, 2, new float[5])).Message);
        Assert.Contains("sample 1", Assert.Throws<ArgumentException>(() => new FeatureSet(2, 2, [0, 0, float.NaN, 0])).Message);
        Assert.Throws<ArgumentException>(() => new FeatureSet(2, 1, [0, 0], [1, 0, 1]));             // not n * classes
        Assert.Throws<ArgumentException>(() => new FeatureSet(2, 1, [0, 0], [1, 1]));                // one class
        Assert.Contains("logits", Assert.Throws<ArgumentException>(() => new FeatureSet(1, 1, [0], [2.5f, -1.5f])).Message);
        Assert.Contains("sum to", Assert.Throws<ArgumentException>(() => new FeatureSet(1, 1, [0], [0.5f, 0.4f])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureSet(0, 1, []));
    }
}
