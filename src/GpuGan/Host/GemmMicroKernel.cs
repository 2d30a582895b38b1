using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuGan.Host;

/// <summary>
/// The register-blocked inner kernels of the host GEMM: an Mr x Nr block of C accumulated over kc steps from
/// packed slivers, A as [kc][Mr] and B as [kc][Nr]. c is a tile with row stride ldc; accumulate = false
/// starts from zero (the tile is never read), true adds to what it holds. The k order is fixed: deterministic.
/// </summary>
public static unsafe class GemmMicroKernel
{
    public const int Mr = 6;
    public const int Nr = 16;

    /// <summary>Whether this CPU runs the AVX2 + FMA kernel (else the portable Vector&lt;float&gt; one).</summary>
    public static bool Avx2Fma => Fma.IsSupported && Avx2.IsSupported;

    /// <summary>6 x 16 with 12 ymm accumulators, two B loads and one A broadcast per row per k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avx6x16(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            float* r = c;
            c00 = Avx.LoadVector256(r); c01 = Avx.LoadVector256(r + 8); r += ldc;
            c10 = Avx.LoadVector256(r); c11 = Avx.LoadVector256(r + 8); r += ldc;
            c20 = Avx.LoadVector256(r); c21 = Avx.LoadVector256(r + 8); r += ldc;
            c30 = Avx.LoadVector256(r); c31 = Avx.LoadVector256(r + 8); r += ldc;
            c40 = Avx.LoadVector256(r); c41 = Avx.LoadVector256(r + 8); r += ldc;
            c50 = Avx.LoadVector256(r); c51 = Avx.LoadVector256(r + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        for (int k = 0; k < kc; k++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var x = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
            a += Mr;
            b += Nr;
        }
        float* w = c;
        Avx.Store(w, c00); Avx.Store(w + 8, c01); w += ldc;
        Avx.Store(w, c10); Avx.Store(w + 8, c11); w += ldc;
        Avx.Store(w, c20); Avx.Store(w + 8, c21); w += ldc;
        Avx.Store(w, c30); Avx.Store(w + 8, c31); w += ldc;
        Avx.Store(w, c40); Avx.Store(w + 8, c41); w += ldc;
        Avx.Store(w, c50); Avx.Store(w + 8, c51);
    }

    /// <summary>
    /// Portable kernel (ARM, or x64 without FMA): Vector&lt;float&gt; of any width dividing 16, separate multiply
    /// and add, same k order. Results may differ from the AVX2 kernel in the last bits (no fused rounding).
    /// </summary>
    public static void Portable(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        int vc = Vector<float>.Count;
        if (Nr % vc != 0) { Scalar(kc, a, b, c, ldc, accumulate); return; }
        int perRow = Nr / vc;
        Span<Vector<float>> acc = stackalloc Vector<float>[Mr * (Nr / 4)];
        for (int r = 0; r < Mr; r++)
            for (int v = 0; v < perRow; v++)
                acc[r * perRow + v] = accumulate ? Unsafe.ReadUnaligned<Vector<float>>(c + r * ldc + v * vc) : Vector<float>.Zero;
        for (int k = 0; k < kc; k++)
        {
            for (int r = 0; r < Mr; r++)
            {
                var x = new Vector<float>(a[r]);
                for (int v = 0; v < perRow; v++)
                    acc[r * perRow + v] += x * Unsafe.ReadUnaligned<Vector<float>>(b + v * vc);
            }
            a += Mr;
            b += Nr;
        }
        for (int r = 0; r < Mr; r++)
            for (int v = 0; v < perRow; v++)
                Unsafe.WriteUnaligned(c + r * ldc + v * vc, acc[r * perRow + v]);
    }

    static void Scalar(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Span<float> acc = stackalloc float[Mr * Nr];
        for (int r = 0; r < Mr; r++)
            for (int j = 0; j < Nr; j++)
                acc[r * Nr + j] = accumulate ? c[r * ldc + j] : 0f;
        for (int k = 0; k < kc; k++, a += Mr, b += Nr)
            for (int r = 0; r < Mr; r++)
                for (int j = 0; j < Nr; j++)
                    acc[r * Nr + j] += a[r] * b[j];
        for (int r = 0; r < Mr; r++)
            for (int j = 0; j < Nr; j++)
                c[r * ldc + j] = acc[r * Nr + j];
    }
}
