namespace GpuGan.Metrics;

/// <summary>
/// The classifier score, TF-GAN's <c>mnist_score</c> (the Inception score of Salimans et al. 2016 with an
/// MNIST classifier): exp(mean over samples of KL(p(y|x) ‖ p(y))), p(y) the mean of p(y|x) over the set.
/// 1 when every prediction is the same distribution; the number of classes when each sample is classified
/// with certainty and the classes are equally frequent.
/// </summary>
public static class ClassifierScore
{
    /// <summary>The score of <paramref name="set"/>'s probabilities; the set must have them.</summary>
    public static double Compute(FeatureSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        double[] p = set.ProbabilityData;
        int n = set.Count, classes = set.Classes;

        var marginal = new double[classes];
        for (int s = 0; s < n; s++)
            for (int c = 0; c < classes; c++)
                marginal[c] += p[s * classes + c];
        for (int c = 0; c < classes; c++) marginal[c] /= n;

        double klSum = 0;
        for (int s = 0; s < n; s++)
            for (int c = 0; c < classes; c++)
            {
                double pc = p[s * classes + c];
                // 0·log 0 = 0; pc > 0 implies marginal[c] > 0.
                if (pc > 0) klSum += pc * (Math.Log(pc) - Math.Log(marginal[c]));
            }
        return Math.Exp(klSum / n);
    }
}
