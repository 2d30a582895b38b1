namespace GpuGan.Metrics;

/// <summary>
/// How a set's samples spread over the classifier's classes (by argmax of p(y|x); ties go to the lower class):
/// counts per class, how many classes occur, and the histogram's entropy in nats (ln(classes) when even).
/// A collapsing generator shows here first: classes drop out and the entropy falls.
/// </summary>
/// <param name="Counts">samples per class, indexed by class.</param>
/// <param name="ClassesPresent">classes with at least one sample.</param>
/// <param name="EntropyNats">-Σ (count/n)·ln(count/n), natural logarithm.</param>
public sealed record ClassHistogram(IReadOnlyList<int> Counts, int ClassesPresent, double EntropyNats)
{
    /// <summary>n, the samples counted.</summary>
    public int Total => Counts.Sum();

    /// <summary>ln(classes), the entropy of an even spread, the most there can be.</summary>
    public double MaxEntropyNats => Math.Log(Counts.Count);

    /// <summary>The histogram of <paramref name="set"/>'s argmax classes; the set must have probabilities.</summary>
    public static ClassHistogram Of(FeatureSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        int n = set.Count;
        var counts = new int[set.Classes];
        for (int s = 0; s < n; s++) counts[set.PredictedClass(s)]++;
        double entropy = 0;
        int present = 0;
        foreach (int count in counts)
        {
            if (count == 0) continue;
            present++;
            double f = (double)count / n;
            entropy -= f * Math.Log(f);
        }
        return new ClassHistogram(Array.AsReadOnly(counts), present, entropy);
    }
}
