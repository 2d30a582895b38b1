namespace GpuGan.Metrics;

/// <summary>
/// The mean and covariance of a feature set, with the sample count they came from: one side of FID.
/// Compute it once for the held-out real set with <see cref="Of"/> and pass it to every evaluation.
/// </summary>
/// <remarks>
/// The covariance divides by n - 1 (the unbiased estimate), as pytorch-fid's and TF-GAN's np.cov / tf
/// covariance do, so figures compare with theirs at equal n. Both are float64 and computed in two passes
/// (the mean, then the centred products), which loses nothing to cancellation when the mean is large.
/// </remarks>
public sealed class GaussianStatistics
{
    readonly double[] mean;
    readonly double[,] covariance;

    /// <summary>Statistics known in advance (e.g. a reference Gaussian); the arrays are copied.</summary>
    /// <param name="count">the number of samples they describe, at least 2.</param>
    public GaussianStatistics(double[] mean, double[,] covariance, int count)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        int d = mean.Length;
        if (d == 0 || covariance.GetLength(0) != d || covariance.GetLength(1) != d)
            throw new ArgumentException($"covariance is {covariance.GetLength(0)}x{covariance.GetLength(1)}, the mean has {d} values", nameof(covariance));
        for (int i = 0; i < d; i++)
        {
            if (!double.IsFinite(mean[i])) throw new ArgumentException($"mean[{i}] is {mean[i]}", nameof(mean));
            for (int j = 0; j < d; j++)
                if (!double.IsFinite(covariance[i, j])) throw new ArgumentException($"covariance[{i}, {j}] is {covariance[i, j]}", nameof(covariance));
        }
        this.mean = (double[])mean.Clone();
        this.covariance = (double[,])covariance.Clone();
        Count = count;
    }

    /// <summary>Takes freshly computed arrays as they are: no copy, no second check.</summary>
    GaussianStatistics(int count, double[] mean, double[,] covariance)
    {
        this.mean = mean;
        this.covariance = covariance;
        Count = count;
    }

    /// <summary>n, the number of samples the statistics describe (FID's bias depends on it).</summary>
    public int Count { get; }

    /// <summary>d, the feature dimension.</summary>
    public int Dimension => mean.Length;

    public ReadOnlySpan<double> Mean => mean;

    public double Covariance(int row, int column) => covariance[row, column];

    /// <summary>A copy of the d x d covariance.</summary>
    public double[,] CovarianceMatrix() => (double[,])covariance.Clone();

    internal double[,] CovarianceData => covariance;

    /// <summary>Mean and covariance (n - 1) of <paramref name="set"/>'s features; needs at least 2 samples.</summary>
    public static GaussianStatistics Of(FeatureSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        int n = set.Count, d = set.Dimension;
        if (n < 2) throw new ArgumentException($"a covariance needs at least 2 samples, the set has {n}", nameof(set));
        double[] x = set.Data;

        var mean = new double[d];
        for (int s = 0; s < n; s++)
            for (int j = 0; j < d; j++)
                mean[j] += x[s * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;

        // Centred features transposed to (d, n): each covariance entry is then one contiguous dot product,
        // and the d x d block goes through the same tiled kernel as the pairwise statistics.
        var centred = new double[(long)d * n];
        for (int s = 0; s < n; s++)
            for (int j = 0; j < d; j++)
                centred[(long)j * n + s] = x[s * d + j] - mean[j];

        var products = new double[d * d];
        int blocks = (d + PairwiseBlock.Rows - 1) / PairwiseBlock.Rows;
        Parallel.For(0, blocks, block =>
        {
            int start = block * PairwiseBlock.Rows, rows = Math.Min(PairwiseBlock.Rows, d - start);
            PairwiseBlock.Dots(centred, start, rows, centred, 0, d, n, products.AsSpan(start * d, rows * d));
        });

        var covariance = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                covariance[i, j] = products[i * d + j] / (n - 1);
        return new GaussianStatistics(n, mean, covariance);
    }
}
