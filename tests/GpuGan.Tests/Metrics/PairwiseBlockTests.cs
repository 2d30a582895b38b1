using GpuGan.Metrics;
using Xunit;

namespace GpuGan.Tests.Metrics;

public class PairwiseBlockTests
{
    [Fact]
    public void TilesAndRemaindersMatchPlainLoops()
    {
        // 7 x 11 pairs of 13 features: 2x4 tiles, an odd row, three leftover columns, a scalar tail.
        var a = SampleSets.Normals(20 * 13, seed: 1);
        var b = SampleSets.Normals(30 * 13, seed: 2);
        var dots = new double[7 * 11];
        var distances = new double[7 * 11];
        PairwiseBlock.Dots(a, 5, 7, b, 12, 11, 13, dots);
        PairwiseBlock.SquaredDistances(a, 5, 7, b, 12, 11, 13, distances);

        for (int r = 0; r < 7; r++)
            for (int c = 0; c < 11; c++)
            {
                double dot = 0, distance = 0;
                for (int k = 0; k < 13; k++)
                {
                    double x = a[(5 + r) * 13 + k], y = b[(12 + c) * 13 + k];
                    dot += x * y;
                    distance += (x - y) * (x - y);
                }
                Assert.Equal(dot, dots[r * 11 + c], 1e-13);
                Assert.Equal(distance, distances[r * 11 + c], 1e-12);
            }
    }

    [Fact]
    public void APairHasTheSameValueWhereverItFallsInATile()
    {
        // d(i, j) and d(j, i) come from different tile positions (or the remainder path): same bits.
        int n = 37, d = 13;
        var x = SampleSets.Normals(n * d, seed: 3);
        var distances = new double[n * n];
        var dots = new double[n * n];
        PairwiseBlock.SquaredDistances(x, 0, n, x, 0, n, d, distances);
        PairwiseBlock.Dots(x, 0, n, x, 0, n, d, dots);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0.0, distances[i * n + i]);
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(distances[i * n + j], distances[j * n + i]);
                Assert.Equal(dots[i * n + j], dots[j * n + i]);
            }
        }
    }

    [Fact]
    public void RefusesBlocksOutsideTheArrays()
    {
        var a = new double[10 * 4];
        Assert.Throws<ArgumentOutOfRangeException>(() => PairwiseBlock.Dots(a, 8, 3, a, 0, 2, 4, new double[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairwiseBlock.Dots(a, 0, 2, a, 9, 2, 4, new double[4]));
        Assert.Throws<ArgumentException>(() => PairwiseBlock.Dots(a, 0, 2, a, 0, 2, 4, new double[3]));
    }
}
