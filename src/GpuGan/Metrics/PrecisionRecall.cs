namespace GpuGan.Metrics;

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019): precision is the fraction of fake samples inside
/// the real set's k-NN manifold (fidelity), recall the fraction of real samples inside the fake set's
/// (coverage). A generator that collapses to a few good digits scores high precision and low recall.
/// </summary>
/// <param name="K">the neighbour whose distance sets each ball's radius (the paper's k = 3).</param>
public sealed record PrecisionRecall(double Precision, double Recall, int K)
{
    public const int DefaultK = 3;

    /// <summary>Exact: every fake/real, real/real and fake/fake distance, in float64. Each set needs more than k samples.</summary>
    public static PrecisionRecall Compute(FeatureSet fake, FeatureSet real, int k = DefaultK)
    {
        ArgumentNullException.ThrowIfNull(fake);
        ArgumentNullException.ThrowIfNull(real);
        if (fake.Dimension != real.Dimension)
            throw new ArgumentException($"the sets have {fake.Dimension} and {real.Dimension} features");
        var realManifold = KnnManifold.Of(real, k);
        var fakeManifold = KnnManifold.Of(fake, k);
        return new PrecisionRecall(
            Precision: (double)realManifold.CountInside(fake) / fake.Count,
            Recall: (double)fakeManifold.CountInside(real) / real.Count,
            K: k);
    }
}
