namespace GpuGan.Metrics;

/// <summary>
/// A classifier's outputs for n images: features, row-major (n, d) — e.g. an MNIST classifier's 128-wide
/// penultimate layer — and optionally class probabilities p(y|x), row-major (n, classes). Every statistic in
/// <c>GpuGan.Metrics</c> reads its samples from one of these.
/// </summary>
/// <remarks>
/// The values are copied to float64 once, at construction: every statistic computes in float64, and a caller
/// that reuses its float buffers for the next batch cannot change a set it already handed over.
/// </remarks>
public sealed class FeatureSet
{
    /// <summary>How far a row of probabilities may sum from 1 (float32 softmax rounding is far below this).</summary>
    public const double ProbabilitySumTolerance = 1e-3;

    readonly double[] features;
    readonly double[]? probabilities;

    /// <param name="count">n, the number of samples (rows).</param>
    /// <param name="dimension">d, the features per sample.</param>
    /// <param name="features">n * d values, row-major.</param>
    /// <param name="probabilities">n * classes values, row-major, each row a distribution (not logits); or null.</param>
    public FeatureSet(int count, int dimension, float[] features, float[]? probabilities = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if ((long)count * dimension != features.Length)
            throw new ArgumentException($"features hold {features.Length} values, not count * dimension = {count} * {dimension}", nameof(features));
        Count = count;
        Dimension = dimension;
        this.features = new double[features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
                throw new ArgumentException($"feature {i % dimension} of sample {i / dimension} is {features[i]}", nameof(features));
            this.features[i] = features[i];
        }
        if (probabilities is not null)
        {
            Classes = probabilities.Length / count;
            if (Classes < 2 || Classes * count != probabilities.Length)
                throw new ArgumentException($"probabilities hold {probabilities.Length} values, not count * classes with count = {count} and at least 2 classes", nameof(probabilities));
            this.probabilities = new double[probabilities.Length];
            for (int s = 0; s < count; s++)
            {
                double sum = 0;
                for (int c = 0; c < Classes; c++)
                {
                    float p = probabilities[s * Classes + c];
                    if (!(p >= 0f && p <= 1f))
                        throw new ArgumentException($"probability of class {c} for sample {s} is {p}, outside [0, 1] (logits instead of softmax?)", nameof(probabilities));
                    this.probabilities[s * Classes + c] = p;
                    sum += p;
                }
                if (Math.Abs(sum - 1) > ProbabilitySumTolerance)
                    throw new ArgumentException($"probabilities of sample {s} sum to {sum}, not 1", nameof(probabilities));
            }
        }
    }

    /// <summary>n, the number of samples.</summary>
    public int Count { get; }

    /// <summary>d, the number of features per sample.</summary>
    public int Dimension { get; }

    /// <summary>The number of classes of the probabilities; 0 when the set has none.</summary>
    public int Classes { get; }

    public bool HasProbabilities => probabilities is not null;

    /// <summary>Sample <paramref name="index"/>'s features.</summary>
    public ReadOnlySpan<double> Row(int index) => features.AsSpan(checked(index * Dimension), Dimension);

    /// <summary>Sample <paramref name="index"/>'s p(y|x).</summary>
    public ReadOnlySpan<double> ProbabilityRow(int index) =>
        probabilities is null ? throw new InvalidOperationException("this feature set has no probabilities")
                              : probabilities.AsSpan(checked(index * Classes), Classes);

    /// <summary>All features, row-major, for the blocked kernels.</summary>
    internal double[] Data => features;

    /// <summary>Sample <paramref name="index"/>'s most probable class (the first on ties).</summary>
    public int PredictedClass(int index)
    {
        var p = ProbabilityRow(index);
        int best = 0;
        for (int c = 1; c < p.Length; c++)
            if (p[c] > p[best]) best = c;
        return best;
    }

    internal double[] ProbabilityData =>
        probabilities ?? throw new InvalidOperationException("this feature set has no probabilities p(y|x)");
}
