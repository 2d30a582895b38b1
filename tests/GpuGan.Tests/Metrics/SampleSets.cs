using GpuGan.Data;
using GpuGan.Metrics;

namespace GpuGan.Tests.Metrics;

/// <summary>Deterministic feature sets for the metrics tests: Gaussian samples from a seeded SplitMix64.</summary>
internal static class SampleSets
{
    /// <summary>n samples of N(mean, L·Lᵀ) as float features (Box–Muller normals).</summary>
    public static FeatureSet Gaussian(int n, double[] mean, double[,] choleskyFactor, ulong seed)
    {
        int d = mean.Length;
        var normals = Normals(n * d, seed);
        var features = new float[n * d];
        for (int s = 0; s < n; s++)
            for (int i = 0; i < d; i++)
            {
                double v = mean[i];
                for (int k = 0; k <= i; k++) v += choleskyFactor[i, k] * normals[s * d + k];
                features[s * d + i] = (float)v;
            }
        return new FeatureSet(n, d, features);
    }

    /// <summary>n samples of N(shift, scale²·I) in d dimensions.</summary>
    public static FeatureSet Isotropic(int n, int d, ulong seed, double shift = 0, double scale = 1)
    {
        var normals = Normals(n * d, seed);
        return new FeatureSet(n, d, normals.Select(z => (float)(shift + scale * z)).ToArray());
    }

    public static double[] Normals(int count, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var z = new double[count];
        for (int i = 0; i < count; i += 2)
        {
            double u1 = ((rng.Next() >> 11) + 1) * (1.0 / (1UL << 53));   // (0, 1]: log stays finite
            double u2 = (rng.Next() >> 11) * (1.0 / (1UL << 53));
            double r = Math.Sqrt(-2 * Math.Log(u1));
            z[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < count) z[i + 1] = r * Math.Sin(2 * Math.PI * u2);
        }
        return z;
    }

    /// <summary>A 1-D feature set from plain numbers.</summary>
    public static FeatureSet Line(params double[] points) =>
        new(points.Length, 1, points.Select(p => (float)p).ToArray());
}
