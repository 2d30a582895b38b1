using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuGan.Metrics;

/// <summary>
/// Dot products or squared Euclidean distances between the rows of two row-major float64 matrices, one block
/// of (rows x cols) pairs per call. Pairs are computed in 2x4 register tiles of <see cref="Vector{T}"/>
/// accumulators, so each loaded vector serves two or four pairs instead of one; callers keep a block's B rows
/// (<see cref="Cols"/> of them) small enough to stay in L2 while the block's A rows stream past them, and run
/// blocks in parallel.
/// </summary>
/// <remarks>
/// A pair's value does not depend on where it falls in a tile: the tiles and the remainder path add the same
/// terms in the same order (vector lanes over the features, then the lane sum, then the scalar tail), so
/// d(a, b) in one block equals d(b, a) in another bit for bit, and the k-NN comparisons are consistent.
/// </remarks>
internal static class PairwiseBlock
{
    /// <summary>A rows per block: 32 rows of 128 features (32 KiB) stay in L1/L2 across the block.</summary>
    public const int Rows = 32;

    /// <summary>B rows per block: 64 rows of 128 features (64 KiB) stay in L2.</summary>
    public const int Cols = 64;

    /// <summary>result[r * cols + c] = a[aStart + r] · b[bStart + c].</summary>
    public static void Dots(double[] a, int aStart, int rows, double[] b, int bStart, int cols, int dimension, Span<double> result) =>
        Block<DotStep>(a, aStart, rows, b, bStart, cols, dimension, result);

    /// <summary>result[r * cols + c] = |a[aStart + r] - b[bStart + c]|².</summary>
    public static void SquaredDistances(double[] a, int aStart, int rows, double[] b, int bStart, int cols, int dimension, Span<double> result) =>
        Block<SquaredDistanceStep>(a, aStart, rows, b, bStart, cols, dimension, result);

    /// <summary>One accumulation step of a pair's reduction over the features.</summary>
    interface IPairStep
    {
        static abstract Vector<double> Step(Vector<double> sum, Vector<double> x, Vector<double> y);
        static abstract double Step(double sum, double x, double y);
    }

    readonly struct DotStep : IPairStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<double> Step(Vector<double> sum, Vector<double> x, Vector<double> y) => Vector.FusedMultiplyAdd(x, y, sum);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Step(double sum, double x, double y) => Math.FusedMultiplyAdd(x, y, sum);
    }

    readonly struct SquaredDistanceStep : IPairStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<double> Step(Vector<double> sum, Vector<double> x, Vector<double> y)
        {
            var diff = x - y;
            return Vector.FusedMultiplyAdd(diff, diff, sum);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Step(double sum, double x, double y)
        {
            double diff = x - y;
            return Math.FusedMultiplyAdd(diff, diff, sum);
        }
    }

    static void Block<TStep>(double[] a, int aStart, int rows, double[] b, int bStart, int cols, int d, Span<double> result)
        where TStep : struct, IPairStep
    {
        // One check per block keeps the unchecked loads below inside both arrays and the result.
        if (aStart < 0 || rows < 0 || (long)(aStart + rows) * d > a.Length)
            throw new ArgumentOutOfRangeException(nameof(rows), $"rows {aStart}..{aStart + rows} of width {d} exceed A ({a.Length} values)");
        if (bStart < 0 || cols < 0 || (long)(bStart + cols) * d > b.Length)
            throw new ArgumentOutOfRangeException(nameof(cols), $"rows {bStart}..{bStart + cols} of width {d} exceed B ({b.Length} values)");
        if (result.Length < rows * cols)
            throw new ArgumentException($"result holds {result.Length} values, the block needs {rows * cols}", nameof(result));

        ref double aRef = ref MemoryMarshal.GetArrayDataReference(a);
        ref double bRef = ref MemoryMarshal.GetArrayDataReference(b);
        ref double outRef = ref MemoryMarshal.GetReference(result);
        int vectorEnd = d - d % Vector<double>.Count;

        int r = 0;
        for (; r + 2 <= rows; r += 2)
        {
            ref double x0 = ref Unsafe.Add(ref aRef, (nint)(aStart + r) * d);
            ref double x1 = ref Unsafe.Add(ref x0, d);
            ref double out0 = ref Unsafe.Add(ref outRef, r * cols);
            ref double out1 = ref Unsafe.Add(ref out0, cols);
            int c = 0;
            for (; c + 4 <= cols; c += 4)
            {
                ref double y0 = ref Unsafe.Add(ref bRef, (nint)(bStart + c) * d);
                ref double y1 = ref Unsafe.Add(ref y0, d);
                ref double y2 = ref Unsafe.Add(ref y1, d);
                ref double y3 = ref Unsafe.Add(ref y2, d);
                Vector<double> s00 = default, s01 = default, s02 = default, s03 = default;
                Vector<double> s10 = default, s11 = default, s12 = default, s13 = default;
                for (int k = 0; k < vectorEnd; k += Vector<double>.Count)
                {
                    var u0 = Vector.LoadUnsafe(ref x0, (nuint)k);
                    var u1 = Vector.LoadUnsafe(ref x1, (nuint)k);
                    var v = Vector.LoadUnsafe(ref y0, (nuint)k);
                    s00 = TStep.Step(s00, u0, v); s10 = TStep.Step(s10, u1, v);
                    v = Vector.LoadUnsafe(ref y1, (nuint)k);
                    s01 = TStep.Step(s01, u0, v); s11 = TStep.Step(s11, u1, v);
                    v = Vector.LoadUnsafe(ref y2, (nuint)k);
                    s02 = TStep.Step(s02, u0, v); s12 = TStep.Step(s12, u1, v);
                    v = Vector.LoadUnsafe(ref y3, (nuint)k);
                    s03 = TStep.Step(s03, u0, v); s13 = TStep.Step(s13, u1, v);
                }
                Unsafe.Add(ref out0, c) = Tail<TStep>(Vector.Sum(s00), ref x0, ref y0, vectorEnd, d);
                Unsafe.Add(ref out0, c + 1) = Tail<TStep>(Vector.Sum(s01), ref x0, ref y1, vectorEnd, d);
                Unsafe.Add(ref out0, c + 2) = Tail<TStep>(Vector.Sum(s02), ref x0, ref y2, vectorEnd, d);
                Unsafe.Add(ref out0, c + 3) = Tail<TStep>(Vector.Sum(s03), ref x0, ref y3, vectorEnd, d);
                Unsafe.Add(ref out1, c) = Tail<TStep>(Vector.Sum(s10), ref x1, ref y0, vectorEnd, d);
                Unsafe.Add(ref out1, c + 1) = Tail<TStep>(Vector.Sum(s11), ref x1, ref y1, vectorEnd, d);
                Unsafe.Add(ref out1, c + 2) = Tail<TStep>(Vector.Sum(s12), ref x1, ref y2, vectorEnd, d);
                Unsafe.Add(ref out1, c + 3) = Tail<TStep>(Vector.Sum(s13), ref x1, ref y3, vectorEnd, d);
            }
            for (; c < cols; c++)
            {
                ref double y = ref Unsafe.Add(ref bRef, (nint)(bStart + c) * d);
                Unsafe.Add(ref out0, c) = Pair<TStep>(ref x0, ref y, vectorEnd, d);
                Unsafe.Add(ref out1, c) = Pair<TStep>(ref x1, ref y, vectorEnd, d);
            }
        }
        for (; r < rows; r++)
        {
            ref double x = ref Unsafe.Add(ref aRef, (nint)(aStart + r) * d);
            for (int c = 0; c < cols; c++)
                Unsafe.Add(ref outRef, r * cols + c) = Pair<TStep>(ref x, ref Unsafe.Add(ref bRef, (nint)(bStart + c) * d), vectorEnd, d);
        }
    }

    /// <summary>One pair on its own, in the tiles' order of operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static double Pair<TStep>(ref double x, ref double y, int vectorEnd, int d) where TStep : struct, IPairStep
    {
        Vector<double> s = default;
        for (int k = 0; k < vectorEnd; k += Vector<double>.Count)
            s = TStep.Step(s, Vector.LoadUnsafe(ref x, (nuint)k), Vector.LoadUnsafe(ref y, (nuint)k));
        return Tail<TStep>(Vector.Sum(s), ref x, ref y, vectorEnd, d);
    }

    /// <summary>Adds the features past the last whole vector to a pair's lane sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static double Tail<TStep>(double sum, ref double x, ref double y, int vectorEnd, int d) where TStep : struct, IPairStep
    {
        for (int k = vectorEnd; k < d; k++)
            sum = TStep.Step(sum, Unsafe.Add(ref x, k), Unsafe.Add(ref y, k));
        return sum;
    }
}
