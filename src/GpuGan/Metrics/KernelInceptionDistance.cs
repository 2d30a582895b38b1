namespace GpuGan.Metrics;

/// <summary>
/// Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs"): the unbiased estimate of the
/// squared MMD between the fake and real features under the cubic polynomial kernel k(x, y) = (x·y / d + 1)³,
/// averaged over random subsets of equal size from each set. Unlike FID its estimator is unbiased, so its
/// expected value does not depend on the sample count, and it can be slightly negative when the sets match.
/// </summary>
/// <param name="Mean">the mean of the subsets' MMD² estimates (the KID figure).</param>
/// <param name="StandardDeviation">their standard deviation over subsets, population form (ddof 0), as torch-fidelity reports it.</param>
/// <param name="Subsets">how many subset pairs were drawn.</param>
/// <param name="SubsetSize">m, the samples per subset from each set.</param>
public sealed record KernelInceptionDistance(double Mean, double StandardDeviation, int Subsets, int SubsetSize)
{
    /// <summary>torch-fidelity's and the paper code's default number of subsets.</summary>
    public const int DefaultSubsets = 100;

    /// <summary>torch-fidelity's default subset size, capped by the smaller set.</summary>
    public const int DefaultSubsetSize = 1000;

    /// <summary>
    /// KID over <paramref name="subsets"/> pairs of subsets of m = min(<paramref name="subsetSize"/>, n_fake, n_real)
    /// samples, drawn without replacement from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    public static KernelInceptionDistance Compute(FeatureSet fake, FeatureSet real, int seed = 0,
        int subsets = DefaultSubsets, int subsetSize = DefaultSubsetSize)
    {
        ArgumentNullException.ThrowIfNull(fake);
        ArgumentNullException.ThrowIfNull(real);
        ArgumentOutOfRangeException.ThrowIfLessThan(subsets, 1);
        if (fake.Dimension != real.Dimension)
            throw new ArgumentException($"the sets have {fake.Dimension} and {real.Dimension} features");
        int m = Math.Min(subsetSize, Math.Min(fake.Count, real.Count));
        if (m < 2) throw new ArgumentException($"the unbiased MMD needs at least 2 samples per subset, not {m}");
        int d = fake.Dimension;

        // Drawn up front, in subset order, so the parallel loop below cannot change which subsets are used.
        var draws = new RandomSubsets(unchecked((ulong)seed));
        var fakeIndices = new int[subsets][];
        var realIndices = new int[subsets][];
        for (int s = 0; s < subsets; s++)
        {
            fakeIndices[s] = draws.Draw(fake.Count, m);
            realIndices[s] = draws.Draw(real.Count, m);
        }

        var estimates = new double[subsets];
        Parallel.For(0, subsets,
            () => (X: new double[m * d], Y: new double[m * d], Block: new double[PairwiseBlock.Rows * PairwiseBlock.Cols]),
            (s, _, buffers) =>
            {
                Gather(fake, fakeIndices[s], buffers.X);
                Gather(real, realIndices[s], buffers.Y);
                estimates[s] = UnbiasedMmd2(buffers.X, buffers.Y, m, d, buffers.Block);
                return buffers;
            },
            _ => { });

        double mean = estimates.Average();
        double variance = estimates.Sum(e => (e - mean) * (e - mean)) / subsets;
        return new KernelInceptionDistance(mean, Math.Sqrt(variance), subsets, m);
    }

    /// <summary>
    /// Σ_{i≠j} k(x_i, x_j) / (m(m-1)) + Σ_{i≠j} k(y_i, y_j) / (m(m-1)) - 2 Σ_{i,j} k(x_i, y_j) / m².
    /// </summary>
    static double UnbiasedMmd2(double[] x, double[] y, int m, int d, double[] block)
    {
        double xx = 2 * SumAboveDiagonal(x, m, d, block);
        double yy = 2 * SumAboveDiagonal(y, m, d, block);
        double xy = 0;
        for (int r0 = 0; r0 < m; r0 += PairwiseBlock.Rows)
        {
            int rows = Math.Min(PairwiseBlock.Rows, m - r0);
            for (int c0 = 0; c0 < m; c0 += PairwiseBlock.Cols)
            {
                int cols = Math.Min(PairwiseBlock.Cols, m - c0);
                PairwiseBlock.Dots(x, r0, rows, y, c0, cols, d, block);
                for (int t = 0; t < rows * cols; t++) xy += Kernel(block[t], d);
            }
        }
        return (xx + yy) / ((double)m * (m - 1)) - 2 * xy / ((double)m * m);
    }

    /// <summary>Σ_{i&lt;j} k(z_i, z_j): each row block against the columns from its first row on.</summary>
    static double SumAboveDiagonal(double[] z, int m, int d, double[] block)
    {
        double sum = 0;
        for (int r0 = 0; r0 < m; r0 += PairwiseBlock.Rows)
        {
            int rows = Math.Min(PairwiseBlock.Rows, m - r0);
            for (int c0 = r0; c0 < m; c0 += PairwiseBlock.Cols)
            {
                int cols = Math.Min(PairwiseBlock.Cols, m - c0);
                PairwiseBlock.Dots(z, r0, rows, z, c0, cols, d, block);
                for (int r = 0; r < rows; r++)
                    for (int c = Math.Max(0, r0 + r + 1 - c0); c < cols; c++)
                        sum += Kernel(block[r * cols + c], d);
            }
        }
        return sum;
    }

    /// <summary>The cubic polynomial kernel (x·y / d + 1)³ from the dot product.</summary>
    static double Kernel(double dot, int d)
    {
        double t = dot / d + 1;
        return t * t * t;
    }

    static void Gather(FeatureSet set, int[] indices, double[] into)
    {
        int d = set.Dimension;
        for (int i = 0; i < indices.Length; i++)
            Array.Copy(set.Data, (long)indices[i] * d, into, (long)i * d, d);
    }
}
