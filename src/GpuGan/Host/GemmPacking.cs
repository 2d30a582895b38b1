using System.Numerics;
using System.Runtime.CompilerServices;

namespace GpuGan.Host;

/// <summary>
/// Packing of strided A and B panels into the micro-kernel's contiguous slivers (zero-padded to Mr rows and
/// Nr columns), and the final scaled store of an accumulator tile into strided C. Element addresses are a
/// row (column) part plus a k part, from the tables the caller fills.
/// </summary>
public static unsafe class GemmPacking
{
    const int Mr = GemmMicroKernel.Mr, Nr = GemmMicroKernel.Nr;

    /// <summary>B panel (kc x nLen) to slivers [nPad / Nr][kc][Nr].</summary>
    public static void PackB(float* b, long* col, long* kOff, int nLen, int nPad, int kc, float* dst, int colStride, int rowStride)
    {
        bool rowMajor = Math.Abs((long)colStride) <= Math.Abs((long)rowStride);
        for (int js = 0; js < nPad; js += Nr)
        {
            float* d = dst + (long)js * kc;
            int cnt = Math.Min(Nr, nLen - js);
            long* cs = col + js;
            if (cnt == Nr && Contiguous(cs, Nr))
            {
                float* src = b + cs[0];
                for (int k = 0; k < kc; k++)
                    Unsafe.CopyBlockUnaligned(d + k * Nr, src + kOff[k], Nr * sizeof(float));
            }
            else if (rowMajor)
            {
                for (int k = 0; k < kc; k++)
                {
                    float* src = b + kOff[k];
                    float* dk = d + k * Nr;
                    int jj = 0;
                    for (; jj < cnt; jj++) dk[jj] = src[cs[jj]];
                    for (; jj < Nr; jj++) dk[jj] = 0f;
                }
            }
            else
            {
                for (int jj = 0; jj < Nr; jj++)
                {
                    if (jj >= cnt) { for (int k = 0; k < kc; k++) d[k * Nr + jj] = 0f; continue; }
                    float* src = b + cs[jj];
                    for (int k = 0; k < kc; k++) d[k * Nr + jj] = src[kOff[k]];
                }
            }
        }
    }

    /// <summary>A panel (mLen x kc) to slivers [mPad / Mr][kc][Mr].</summary>
    public static void PackA(float* a, long* row, long* kOff, int mLen, int mPad, int kc, float* dst, int rowStride, int colStride)
    {
        bool columnMajor = Math.Abs((long)rowStride) < Math.Abs((long)colStride);
        for (int ir = 0; ir < mPad; ir += Mr)
        {
            float* d = dst + (long)ir * kc;
            int cnt = Math.Min(Mr, mLen - ir);
            long* rs = row + ir;
            if (columnMajor)
            {
                for (int k = 0; k < kc; k++)
                {
                    float* src = a + kOff[k];
                    float* dk = d + k * Mr;
                    int r = 0;
                    for (; r < cnt; r++) dk[r] = src[rs[r]];
                    for (; r < Mr; r++) dk[r] = 0f;
                }
            }
            else
            {
                for (int r = 0; r < Mr; r++)
                {
                    if (r >= cnt) { for (int k = 0; k < kc; k++) d[k * Mr + r] = 0f; continue; }
                    float* src = a + rs[r];
                    for (int k = 0; k < kc; k++) d[k * Mr + r] = src[kOff[k]];
                }
            }
        }
    }

    /// <summary>Splits the tile's C column offsets into runs of consecutive addresses: (start, length) pairs; returns the count.</summary>
    public static int FindRuns(long* col, int nLen, int* runs)
    {
        int count = 0;
        for (int j = 0; j < nLen;)
        {
            int start = j;
            for (j++; j < nLen && col[j] == col[j - 1] + 1; j++) { }
            runs[2 * count] = start;
            runs[2 * count + 1] = j - start;
            count++;
        }
        return count;
    }

    /// <summary>
    /// C = alpha * tile + beta * C over the tile's valid part, run by run (vectorized within a run);
    /// beta == 0 writes without reading C. Each element is alpha * v (+ beta * c), unfused: the same in every lane.
    /// </summary>
    public static void Store(float* c, float* tile, int ldt, long* row, long* col, int* runs, int runCount, int mLen, float alpha, float beta)
    {
        int vc = Vector<float>.Count;
        var va = new Vector<float>(alpha);
        var vb = new Vector<float>(beta);
        for (int i = 0; i < mLen; i++)
        {
            float* cr = c + row[i];
            float* t = tile + (long)i * ldt;
            for (int r = 0; r < runCount; r++)
            {
                int j0 = runs[2 * r], len = runs[2 * r + 1];
                float* dst = cr + col[j0];
                float* src = t + j0;
                int j = 0;
                if (beta == 0f)
                {
                    for (; j + vc <= len; j += vc)
                        Unsafe.WriteUnaligned(dst + j, va * Unsafe.ReadUnaligned<Vector<float>>(src + j));
                    for (; j < len; j++) dst[j] = alpha * src[j];
                }
                else
                {
                    for (; j + vc <= len; j += vc)
                        Unsafe.WriteUnaligned(dst + j, va * Unsafe.ReadUnaligned<Vector<float>>(src + j) + vb * Unsafe.ReadUnaligned<Vector<float>>(dst + j));
                    for (; j < len; j++) dst[j] = alpha * src[j] + beta * dst[j];
                }
            }
        }
    }

    static bool Contiguous(long* offsets, int count)
    {
        long first = offsets[0];
        for (int i = 1; i < count; i++)
            if (offsets[i] != first + i) return false;
        return true;
    }
}
