namespace GpuGan.Check;

/// <summary>
/// Seeds of a check run: one base seed per run; each case derives its own from the base and a stable hash of its
/// name, so one case reproduces alone, and the tests (GPUGAN_TEST_SEED) and 'gpugan check --seed' agree.
/// </summary>
public static class CheckSeed
{
    /// <summary>A fresh base seed, different every run, so repeated runs cover more inputs.</summary>
    public static int Fresh() => Environment.TickCount ^ Guid.NewGuid().GetHashCode();

    public static int For(int baseSeed, string name)
    {
        uint h = 2166136261u;
        foreach (char ch in name) { h ^= ch; h *= 16777619u; }
        return unchecked((int)(h ^ ((uint)baseSeed * 0x9E3779B9u)));
    }
}
