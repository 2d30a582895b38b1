namespace GpuGan.Tests.Metrics;

/// <summary>
/// Plain float64 dense-matrix code for the metrics tests, written independently of MathNet: products,
/// transposes, a Gauss–Jordan inverse, a Cholesky factor, and the Denman–Beavers square root, so the
/// eigen-decomposition route of <c>SymmetricMatrix</c> and <c>FrechetDistance</c> is checked by another method.
/// </summary>
internal static class ReferenceMatrix
{
    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), inner = a.GetLength(1), m = b.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double sum = 0;
                for (int k = 0; k < inner; k++) sum += a[i, k] * b[k, j];
                c[i, j] = sum;
            }
        return c;
    }

    public static double[,] Transpose(double[,] a)
    {
        var t = new double[a.GetLength(1), a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) t[j, i] = a[i, j];
        return t;
    }

    public static double[,] Identity(int n)
    {
        var id = new double[n, n];
        for (int i = 0; i < n; i++) id[i, i] = 1;
        return id;
    }

    public static double[,] Diagonal(params double[] values)
    {
        var d = new double[values.Length, values.Length];
        for (int i = 0; i < values.Length; i++) d[i, i] = values[i];
        return d;
    }

    public static double Trace(double[,] a)
    {
        double t = 0;
        for (int i = 0; i < a.GetLength(0); i++) t += a[i, i];
        return t;
    }

    /// <summary>max |a - b| / max |b|.</summary>
    public static double RelativeError(double[,] a, double[,] b)
    {
        double err = 0, scale = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
            {
                err = Math.Max(err, Math.Abs(a[i, j] - b[i, j]));
                scale = Math.Max(scale, Math.Abs(b[i, j]));
            }
        return err / scale;
    }

    /// <summary>Gauss–Jordan elimination with partial pivoting.</summary>
    public static double[,] Inverse(double[,] a)
    {
        int n = a.GetLength(0);
        var m = (double[,])a.Clone();
        var inv = Identity(n);
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            for (int j = 0; j < n; j++)
            {
                (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
                (inv[col, j], inv[pivot, j]) = (inv[pivot, j], inv[col, j]);
            }
            double p = m[col, col];
            for (int j = 0; j < n; j++) { m[col, j] /= p; inv[col, j] /= p; }
            for (int r = 0; r < n; r++)
            {
                if (r == col) continue;
                double f = m[r, col];
                for (int j = 0; j < n; j++) { m[r, j] -= f * m[col, j]; inv[r, j] -= f * inv[col, j]; }
            }
        }
        return inv;
    }

    /// <summary>
    /// The principal square root of a matrix with positive real eigenvalues (not necessarily symmetric) by the
    /// Denman–Beavers iteration Y ← (Y + Z⁻¹)/2, Z ← (Z + Y⁻¹)/2 from Y = A, Z = I.
    /// </summary>
    public static double[,] DenmanBeaversSqrt(double[,] a, int iterations = 60)
    {
        int n = a.GetLength(0);
        var y = (double[,])a.Clone();
        var z = Identity(n);
        for (int it = 0; it < iterations; it++)
        {
            var yInv = Inverse(y);
            var zInv = Inverse(z);
            var nextY = new double[n, n];
            var nextZ = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    nextY[i, j] = (y[i, j] + zInv[i, j]) / 2;
                    nextZ[i, j] = (z[i, j] + yInv[i, j]) / 2;
                }
            y = nextY;
            z = nextZ;
        }
        return y;
    }

    /// <summary>L with L·Lᵀ = A, for drawing correlated Gaussian samples.</summary>
    public static double[,] Cholesky(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                l[i, j] = i == j ? Math.Sqrt(sum) : sum / l[j, j];
            }
        return l;
    }

    /// <summary>B·Bᵀ (+ shift·I) for a random B with entries uniform in [-1, 1): symmetric PSD, of rank min(n, rank) without the shift.</summary>
    public static double[,] RandomGram(int n, int rank, double shift, ulong seed)
    {
        var rng = new GpuGan.Data.SplitMix64(seed);
        var b = new double[n, rank];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < rank; k++) b[i, k] = 2 * ((rng.Next() >> 11) * (1.0 / (1UL << 53))) - 1;
        var g = Multiply(b, Transpose(b));
        for (int i = 0; i < n; i++) g[i, i] += shift;
        return g;
    }
}
