namespace GpuGan.Metrics;

/// <summary>
/// How often a conditional generator draws the class it was asked for: the share of samples whose most probable
/// class under the MNIST classifier is the asked one, overall and per asked class (the classifier itself is right on
/// 98.3% of held-out real digits, so that is about the ceiling).
/// </summary>
public sealed record ClassMatch(double Overall, IReadOnlyList<double> PerClass, IReadOnlyList<int> AskedCounts)
{
    /// <param name="asked">the class each sample of <paramref name="samples"/> was generated for (0..classes-1)</param>
    public static ClassMatch Of(FeatureSet samples, ReadOnlySpan<int> asked, int classes)
    {
        if (asked.Length != samples.Count) throw new ArgumentException($"{asked.Length} asked classes for {samples.Count} samples", nameof(asked));
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "needs at least one class");
        var hits = new int[classes];
        var counts = new int[classes];
        int total = 0;
        for (int i = 0; i < asked.Length; i++)
        {
            int k = asked[i];
            if ((uint)k >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(asked), k, $"asked class outside 0..{classes - 1}");
            counts[k]++;
            if (samples.PredictedClass(i) == k)
            {
                hits[k]++;
                total++;
            }
        }
        var perClass = new double[classes];
        for (int k = 0; k < classes; k++) perClass[k] = counts[k] == 0 ? double.NaN : (double)hits[k] / counts[k];
        return new ClassMatch((double)total / asked.Length, perClass, counts);
    }

    /// <summary>The class asked for sample <paramref name="index"/> of an evaluation: every class in turn, so each gets an equal share.</summary>
    public static int Asked(int index, int classes) => index % classes;
}
