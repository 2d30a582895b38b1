namespace GpuGan.Kernels;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based
/// generator. Output block i is a pure function of (key, counter + i), so the generator's whole state is
/// (seed, counter), every thread computes its own block, and every backend gives the same bits.
/// Plain integer code: usable in kernels and on the host.
/// </summary>
public static class Philox
{
    const uint M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;

    public static void Block(uint key0, uint key1, ulong counter, uint stream,
        out uint r0, out uint r1, out uint r2, out uint r3)
    {
        uint c0 = (uint)counter, c1 = (uint)(counter >> 32), c2 = stream, c3 = 0u;
        uint k0 = key0, k1 = key1;
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
            uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            uint n0 = hi1 ^ c1 ^ k0;
            uint n2 = hi0 ^ c3 ^ k1;
            c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
            k0 += W0; k1 += W1;
        }
        r0 = c0; r1 = c1; r2 = c2; r3 = c3;
    }

    // The (int) casts are exact (at most 2^24) and keep the conversion in 32 bits: uint -> float compiles to
    // IL conv.r.un, which ILGPU lowers through double, and OpenCL devices without fp64 reject the kernel.

    /// <summary>Uniform in [0, 1) with 24 random bits (every value exactly representable as float).</summary>
    public static float ToUnit(uint bits) => (int)(bits >> 8) * (1f / 16777216f);

    /// <summary>Uniform in (0, 1]: safe for log in Box-Muller.</summary>
    public static float ToUnitOpenZero(uint bits) => (int)((bits >> 8) + 1u) * (1f / 16777216f);
}
