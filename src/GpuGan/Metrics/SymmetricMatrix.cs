using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace GpuGan.Metrics;

/// <summary>
/// Eigenvalues and the principal square root of symmetric positive semi-definite matrices, through
/// MathNet.Numerics' symmetric eigen-decomposition (Householder tridiagonalisation and implicit QL, as in
/// LAPACK's dsyev), which stays accurate for singular and ill-conditioned covariances where Newton-type
/// iterations such as scipy's sqrtm lose digits or return complex noise.
/// </summary>
public static class SymmetricMatrix
{
    /// <summary>
    /// Asymmetry |a[i,j] - a[j,i]| and negative eigenvalues up to this fraction of the largest |entry| or
    /// |eigenvalue| count as rounding: the matrix is symmetrised and those eigenvalues are taken as 0.
    /// Beyond it the matrix is not symmetric PSD and the call throws.
    /// </summary>
    public const double RoundingTolerance = 1e-9;

    /// <summary>The principal square root S of a symmetric PSD matrix (S symmetric PSD, S·S = A): V·sqrt(Λ)·Vᵀ.</summary>
    public static double[,] Sqrt(double[,] a) => Sqrt(ToMatrix(a, nameof(a))).ToArray();

    /// <summary>The eigenvalues of a symmetric matrix, ascending.</summary>
    public static double[] Eigenvalues(double[,] a) => Decompose(ToMatrix(a, nameof(a)), vectors: false).Values;

    /// <summary>The sum of the square roots of a symmetric PSD matrix's eigenvalues: tr(sqrt(A)).</summary>
    public static double TraceOfSqrt(double[,] a) => TraceOfSqrt(ToMatrix(a, nameof(a)));

    internal static Matrix<double> Sqrt(Matrix<double> a)
    {
        var (values, vectors) = Decompose(a, vectors: true);
        values = RoundingNegativesToZero(values);
        // V·diag(sqrt λ)·Vᵀ as (V scaled column-wise)·Vᵀ.
        var scaled = vectors!.Clone();
        for (int j = 0; j < values.Length; j++)
            scaled.SetColumn(j, vectors.Column(j) * Math.Sqrt(values[j]));
        var root = scaled.TransposeAndMultiply(vectors);
        return Symmetrised(root);
    }

    internal static double TraceOfSqrt(Matrix<double> a)
    {
        var values = RoundingNegativesToZero(Decompose(a, vectors: false).Values);
        double trace = 0;
        foreach (double v in values) trace += Math.Sqrt(v);
        return trace;
    }

    /// <summary>(A + Aᵀ) / 2: removes the rounding asymmetry of a product such as S1^½·S2·S1^½.</summary>
    internal static Matrix<double> Symmetrised(Matrix<double> a) => (a + a.Transpose()) * 0.5;

    static (double[] Values, Matrix<double>? Vectors) Decompose(Matrix<double> a, bool vectors)
    {
        CheckSymmetric(a);
        Evd<double> evd = Symmetrised(a).Evd(Symmetricity.Symmetric);
        var values = new double[a.RowCount];
        for (int j = 0; j < values.Length; j++) values[j] = evd.EigenValues[j].Real;
        // MathNet returns the symmetric case's eigenvalues ascending already; the sort only guards the contract.
        if (!vectors)
        {
            Array.Sort(values);
            return (values, null);
        }
        return (values, evd.EigenVectors);
    }

    /// <summary>The eigenvalues with those negative from rounding taken as 0; a clearly negative one throws.</summary>
    static double[] RoundingNegativesToZero(double[] values)
    {
        double largest = 0;
        foreach (double v in values) largest = Math.Max(largest, Math.Abs(v));
        var result = new double[values.Length];
        for (int j = 0; j < values.Length; j++)
        {
            if (values[j] < -RoundingTolerance * largest)
                throw new ArgumentException($"the matrix is not positive semi-definite: eigenvalue {values[j]:G6} (largest |eigenvalue| {largest:G6})");
            result[j] = Math.Max(values[j], 0);
        }
        return result;
    }

    static void CheckSymmetric(Matrix<double> a)
    {
        if (a.RowCount != a.ColumnCount || a.RowCount == 0)
            throw new ArgumentException($"a square matrix is needed, not {a.RowCount}x{a.ColumnCount}");
        double largest = 0;
        for (int i = 0; i < a.RowCount; i++)
            for (int j = 0; j < a.ColumnCount; j++)
            {
                if (!double.IsFinite(a[i, j])) throw new ArgumentException($"entry ({i}, {j}) is {a[i, j]}");
                largest = Math.Max(largest, Math.Abs(a[i, j]));
            }
        for (int i = 0; i < a.RowCount; i++)
            for (int j = i + 1; j < a.ColumnCount; j++)
            {
                double aij = a[i, j], aji = a[j, i];
                if (Math.Abs(aij - aji) > RoundingTolerance * largest)
                    throw new ArgumentException($"the matrix is not symmetric: a[{i},{j}] = {aij:G6}, a[{j},{i}] = {aji:G6}");
            }
    }

    static Matrix<double> ToMatrix(double[,] a, string name)
    {
        ArgumentNullException.ThrowIfNull(a, name);
        return Matrix<double>.Build.DenseOfArray(a);
    }
}
