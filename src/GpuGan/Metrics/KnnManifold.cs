namespace GpuGan.Metrics;

/// <summary>
/// Kynkäänniemi et al.'s estimate of a set's manifold: the union of balls around its samples, each ball's
/// radius the distance to that sample's k-th nearest neighbour in the set (itself excluded; a duplicate
/// counts as a neighbour at distance 0). Distances are exact float64 |a - b|², compared squared.
/// </summary>
internal sealed class KnnManifold
{
    readonly FeatureSet centres;
    readonly double[] squaredRadii;

    KnnManifold(FeatureSet centres, double[] squaredRadii)
    {
        this.centres = centres;
        this.squaredRadii = squaredRadii;
    }

    /// <summary>Each sample's squared k-NN radius.</summary>
    public ReadOnlySpan<double> SquaredRadii => squaredRadii;

    public static KnnManifold Of(FeatureSet set, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        int n = set.Count, d = set.Dimension;
        if (n <= k) throw new ArgumentException($"a k-NN radius with k = {k} needs more than {k} samples, the set has {n}", nameof(set));
        double[] x = set.Data;
        var radii = new double[n];
        ForEachRowBlock(n, (r0, rows, block) =>
        {
            // Per row, its k smallest distances so far, ascending.
            var nearest = new double[rows * k];
            Array.Fill(nearest, double.PositiveInfinity);
            for (int c0 = 0; c0 < n; c0 += PairwiseBlock.Cols)
            {
                int cols = Math.Min(PairwiseBlock.Cols, n - c0);
                PairwiseBlock.SquaredDistances(x, r0, rows, x, c0, cols, d, block);
                for (int r = 0; r < rows; r++)
                {
                    var row = nearest.AsSpan(r * k, k);
                    for (int c = 0; c < cols; c++)
                        if (c0 + c != r0 + r) Insert(row, block[r * cols + c]);
                }
            }
            for (int r = 0; r < rows; r++) radii[r0 + r] = nearest[r * k + k - 1];
        });
        return new KnnManifold(set, radii);
    }

    /// <summary>How many of <paramref name="queries"/> lie in at least one ball (distance ≤ radius).</summary>
    public int CountInside(FeatureSet queries)
    {
        if (queries.Dimension != centres.Dimension)
            throw new ArgumentException($"the sets have {queries.Dimension} and {centres.Dimension} features");
        int n = centres.Count, d = centres.Dimension;
        double[] q = queries.Data, x = centres.Data;
        var inside = new bool[queries.Count];
        ForEachRowBlock(queries.Count, (r0, rows, block) =>
        {
            int found = 0;
            for (int c0 = 0; c0 < n && found < rows; c0 += PairwiseBlock.Cols)
            {
                int cols = Math.Min(PairwiseBlock.Cols, n - c0);
                PairwiseBlock.SquaredDistances(q, r0, rows, x, c0, cols, d, block);
                for (int r = 0; r < rows; r++)
                {
                    if (inside[r0 + r]) continue;
                    for (int c = 0; c < cols; c++)
                        if (block[r * cols + c] <= squaredRadii[c0 + c])
                        {
                            inside[r0 + r] = true;
                            found++;
                            break;
                        }
                }
            }
        });
        return inside.Count(b => b);
    }

    /// <summary>Runs <paramref name="body"/>(first row, rows, scratch block) over the row blocks in parallel.</summary>
    static void ForEachRowBlock(int n, Action<int, int, double[]> body)
    {
        int blocks = (n + PairwiseBlock.Rows - 1) / PairwiseBlock.Rows;
        Parallel.For(0, blocks, () => new double[PairwiseBlock.Rows * PairwiseBlock.Cols], (b, _, block) =>
        {
            int r0 = b * PairwiseBlock.Rows;
            body(r0, Math.Min(PairwiseBlock.Rows, n - r0), block);
            return block;
        }, _ => { });
    }

    /// <summary>Keeps the k smallest values of a row, ascending, when <paramref name="value"/> arrives.</summary>
    static void Insert(Span<double> nearest, double value)
    {
        int i = nearest.Length - 1;
        if (!(value < nearest[i])) return;
        while (i > 0 && nearest[i - 1] > value)
        {
            nearest[i] = nearest[i - 1];
            i--;
        }
        nearest[i] = value;
    }
}
