using GpuGan.Metrics;
using Xunit;
using static GpuGan.Tests.Metrics.ReferenceMatrix;

namespace GpuGan.Tests.Metrics;

public class SymmetricMatrixTests
{
    [Theory]
    [InlineData(7, 1UL)]
    [InlineData(33, 2UL)]
    public void SqrtOfARandomSpdMatrixSquaresBackToIt(int n, ulong seed)
    {
        var a = RandomGram(n, n, shift: 0.1, seed);
        var root = SymmetricMatrix.Sqrt(a);

        Assert.True(RelativeError(Multiply(root, root), a) < 1e-12, $"|S·S - A| / |A| = {RelativeError(Multiply(root, root), a):G3}");
        Assert.True(RelativeError(root, Transpose(root)) < 1e-14);                 // symmetric
        Assert.True(SymmetricMatrix.Eigenvalues(root).Min() > 0);                   // the principal (positive) root
    }

    [Fact]
    public void SqrtOfASingularPsdMatrixSquaresBackToIt()
    {
        var a = RandomGram(9, rank: 4, shift: 0, seed: 3);                          // 5 zero eigenvalues, some slightly negative from rounding
        var root = SymmetricMatrix.Sqrt(a);

        Assert.True(RelativeError(Multiply(root, root), a) < 1e-12, $"|S·S - A| / |A| = {RelativeError(Multiply(root, root), a):G3}");
        var values = SymmetricMatrix.Eigenvalues(root);
        double largest = values.Max();
        Assert.Equal(5, values.Count(v => Math.Abs(v) < 1e-6 * largest));         // rank 4 kept
    }

    [Fact]
    public void SqrtOfAScaledProjectorIsTheRootOfTheScale()
    {
        // A = 4·u·uᵀ with |u| = 1 has eigenvalues 4, 0, 0: sqrt(A) = 2·u·uᵀ.
        double[] u = [2 / 3.0, -1 / 3.0, 2 / 3.0];
        var a = new double[3, 3];
        var expected = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) { a[i, j] = 4 * u[i] * u[j]; expected[i, j] = 2 * u[i] * u[j]; }

        Assert.True(RelativeError(SymmetricMatrix.Sqrt(a), expected) < 1e-12);
    }

    [Fact]
    public void SqrtOfATwoByTwoMatchesItsClosedForm()
    {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 on (1, 1) and (1, -1): sqrt = [[r3 + 1, r3 - 1], [r3 - 1, r3 + 1]] / 2.
        double r3 = Math.Sqrt(3);
        var root = SymmetricMatrix.Sqrt(new double[,] { { 2, 1 }, { 1, 2 } });
        Assert.Equal((r3 + 1) / 2, root[0, 0], 1e-14);
        Assert.Equal((r3 - 1) / 2, root[0, 1], 1e-14);
        Assert.Equal((r3 - 1) / 2, root[1, 0], 1e-14);
        Assert.Equal((r3 + 1) / 2, root[1, 1], 1e-14);
        Assert.Equal(r3 + 1, SymmetricMatrix.TraceOfSqrt(new double[,] { { 2, 1 }, { 1, 2 } }), 1e-14);
    }

    [Fact]
    public void EigenvaluesComeAscending()
    {
        Assert.Equal([1.0, 3.0], SymmetricMatrix.Eigenvalues(new double[,] { { 2, 1 }, { 1, 2 } }).Select(v => Math.Round(v, 12)));
        Assert.Equal([-1.0, 2.0, 5.0], SymmetricMatrix.Eigenvalues(Diagonal(5, -1, 2)).Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void RefusesIndefiniteAndNonSymmetricMatrices()
    {
        var indefinite = Assert.Throws<ArgumentException>(() => SymmetricMatrix.Sqrt(Diagonal(4, -1)));
        Assert.Contains("not positive semi-definite", indefinite.Message);
        var asymmetric = Assert.Throws<ArgumentException>(() => SymmetricMatrix.Sqrt(new double[,] { { 2, 1 }, { 0, 2 } }));
        Assert.Contains("not symmetric", asymmetric.Message);
        Assert.Throws<ArgumentException>(() => SymmetricMatrix.Sqrt(new double[2, 3]));
        Assert.Throws<ArgumentException>(() => SymmetricMatrix.Sqrt(new double[,] { { double.NaN } }));
    }
}
