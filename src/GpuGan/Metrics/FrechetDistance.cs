using MathNet.Numerics.LinearAlgebra;

namespace GpuGan.Metrics;

/// <summary>
/// The Fréchet distance between two Gaussians fitted to feature sets (FID, Heusel et al. 2017, here on an
/// MNIST classifier's features instead of Inception's):
/// |μ1 - μ2|² + tr(S1) + tr(S2) - 2·tr(sqrt(S1^½·S2·S1^½)).
/// </summary>
/// <remarks>
/// tr(sqrt(S1·S2)) is taken through the symmetric PSD product S1^½·S2·S1^½, which has the same eigenvalues
/// as S1·S2: two symmetric eigen-decompositions, no non-symmetric square root, so no complex parts to drop
/// and no ε added to the diagonal as pytorch-fid does when its sqrtm fails. The value depends on the sample
/// counts (it is biased upward by roughly O(d / n)): compare figures only at equal n.
/// </remarks>
public static class FrechetDistance
{
    public static double Compute(FeatureSet fake, FeatureSet real) =>
        Compute(GaussianStatistics.Of(fake), GaussianStatistics.Of(real));

    public static double Compute(GaussianStatistics a, GaussianStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dimension != b.Dimension)
            throw new ArgumentException($"the statistics have {a.Dimension} and {b.Dimension} features");

        double meanTerm = 0;
        for (int j = 0; j < a.Dimension; j++)
        {
            double diff = a.Mean[j] - b.Mean[j];
            meanTerm += diff * diff;
        }
        var s1 = Matrix<double>.Build.DenseOfArray(a.CovarianceData);
        var s2 = Matrix<double>.Build.DenseOfArray(b.CovarianceData);
        var s1Root = SymmetricMatrix.Sqrt(s1);
        var product = SymmetricMatrix.Symmetrised(s1Root * s2 * s1Root);
        return meanTerm + s1.Trace() + s2.Trace() - 2 * SymmetricMatrix.TraceOfSqrt(product);
    }
}
