namespace GpuGan.Device;

/// <summary>
/// One kind of implementation an op can register (a kernel family, the host SIMD code, a test's own variant).
/// A class, not an enum, so a variant is added by creating one, without editing a list. An op that registered
/// nothing for a device's variant runs the one its <see cref="FallsBackTo"/> chain reaches first.
/// </summary>
public sealed class OpVariant(string name, OpVariant? fallsBackTo = null)
{
    /// <summary>Shared-memory tiled kernels with barriers: CUDA and OpenCL GPUs.</summary>
    public static readonly OpVariant GpuFamily = new("gpu");

    /// <summary>Barrier-free register-tiled ILGPU kernels: what ILGPU's CPU accelerator runs well.</summary>
    public static readonly OpVariant CpuFamily = new("cpu");

    /// <summary>Host SIMD code on the CPU accelerator's buffers; ops without host code run the CPU family's kernels.</summary>
    public static readonly OpVariant HostSimd = new("simd", CpuFamily);

    public string Name { get; } = name;
    public OpVariant? FallsBackTo { get; } = fallsBackTo;

    /// <summary>True when this variant is <paramref name="other"/> or falls back to it.</summary>
    public bool Reaches(OpVariant other)
    {
        for (var v = this; v != null; v = v.FallsBackTo)
            if (v == other) return true;
        return false;
    }

    public override string ToString() => Name;
}
