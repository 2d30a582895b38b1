using Xunit;

namespace GpuGan.Tests.Reference;

/// <summary>
/// Philox4x32-10 written from the published algorithm (Salmon et al., SC'11; Random123's philox4x32_R):
/// a round maps (c0,c1,c2,c3) with key (k0,k1) to (hi(M1*c2)^c1^k0, lo(M1*c2), hi(M0*c0)^c3^k1, lo(M0*c0));
/// the key is bumped by the Weyl constants between rounds. Independent of GpuGan.Kernels.Philox.
/// </summary>
public static class Philox4x32Ref
{
    const uint Mult0 = 0xD2511F53u, Mult1 = 0xCD9E8D57u;
    const uint Weyl0 = 0x9E3779B9u, Weyl1 = 0xBB67AE85u;

    public static uint[] Generate(uint[] counter, uint[] key, int rounds = 10)
    {
        if (counter.Length != 4 || key.Length != 2) throw new ArgumentException("counter: 4 words, key: 2 words");
        var ctr = (uint[])counter.Clone();
        uint k0 = key[0], k1 = key[1];
        for (int r = 0; r < rounds; r++)
        {
            if (r > 0) { k0 = unchecked(k0 + Weyl0); k1 = unchecked(k1 + Weyl1); }
            ulong prod0 = (ulong)Mult0 * ctr[0];
            ulong prod1 = (ulong)Mult1 * ctr[2];
            uint hi0 = (uint)(prod0 >> 32), lo0 = unchecked((uint)prod0);
            uint hi1 = (uint)(prod1 >> 32), lo1 = unchecked((uint)prod1);
            ctr = [hi1 ^ ctr[1] ^ k0, lo1, hi0 ^ ctr[3] ^ k1, lo0];
        }
        return ctr;
    }

    /// <summary>The kernel's packing of its 64-bit block counter and stream into the 4-word counter.</summary>
    public static uint[] KernelCounter(ulong counter, uint stream) => [unchecked((uint)counter), (uint)(counter >> 32), stream, 0u];

    /// <summary>24-bit uniform in [0,1), as the kernel maps a word (exact in float and double).</summary>
    public static double Unit(uint bits) => (bits >> 8) / 16777216.0;

    /// <summary>24-bit uniform in (0,1].</summary>
    public static double UnitOpenZero(uint bits) => ((bits >> 8) + 1) / 16777216.0;
}
