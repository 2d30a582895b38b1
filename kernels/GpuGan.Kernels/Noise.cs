using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

public enum NoiseKind
{
    Uniform = 0,
    Normal = 1,
}

public struct NoiseParams
{
    public NoiseKind Kind;
    public uint Key0, Key1;
    /// <summary>Philox counter of this call's first block; each block yields four values.</summary>
    public ulong Counter;
    public uint Stream;
    /// <summary>Uniform: [A, B). Normal: mean A, standard deviation B.</summary>
    public float A, B;
    public int Length;
}

/// <summary>
/// Fills x with random numbers from Philox block (Counter + thread): four per thread. Normal values use
/// Box-Muller on two pairs of uniforms.
/// </summary>
public static class NoiseFill
{
    public static int ThreadCount(int length) => (length + 3) / 4;

    public static void Kernel(Index1D thread, ArrayView<float> x, NoiseParams p, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, x, p);
    }

    static void At(int block, ArrayView<float> x, NoiseParams p)
    {
        Philox.Block(p.Key0, p.Key1, p.Counter + (ulong)block, p.Stream, out uint r0, out uint r1, out uint r2, out uint r3);
        float v0, v1, v2, v3;
        if (p.Kind == NoiseKind.Normal)
        {
            BoxMuller(r0, r1, out v0, out v1);
            BoxMuller(r2, r3, out v2, out v3);
            v0 = p.A + p.B * v0; v1 = p.A + p.B * v1; v2 = p.A + p.B * v2; v3 = p.A + p.B * v3;
        }
        else
        {
            float w = p.B - p.A;
            v0 = p.A + w * Philox.ToUnit(r0); v1 = p.A + w * Philox.ToUnit(r1);
            v2 = p.A + w * Philox.ToUnit(r2); v3 = p.A + w * Philox.ToUnit(r3);
        }
        int i = block * 4;
        if (i < p.Length) x[i] = v0;
        if (i + 1 < p.Length) x[i + 1] = v1;
        if (i + 2 < p.Length) x[i + 2] = v2;
        if (i + 3 < p.Length) x[i + 3] = v3;
    }

    static void BoxMuller(uint a, uint b, out float z0, out float z1)
    {
        float radius = XMath.Sqrt(-2f * XMath.Log(Philox.ToUnitOpenZero(a)));
        float angle = 2f * XMath.PI * Philox.ToUnit(b);
        z0 = radius * XMath.Cos(angle);
        z1 = radius * XMath.Sin(angle);
    }
}
