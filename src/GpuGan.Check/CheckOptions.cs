namespace GpuGan.Check;

/// <summary>How the harness checks a case. The default checks honestly.</summary>
public sealed record CheckOptions
{
    public static readonly CheckOptions Default = new();

    /// <summary>
    /// Fault injection, to prove the check can fail: in every case whose name contains this text, one element
    /// of the device's output is corrupted after the run and before the comparison, as a broken kernel would.
    /// Null: off. 'gpugan check' sets it from GPUGAN_CHECK_FAULT and says so in its header.
    /// </summary>
    public string? CorruptCase { get; init; }

    public bool Corrupts(OpCase c) => CorruptCase is { Length: > 0 } s && c.Name.Contains(s, StringComparison.Ordinal);
}
