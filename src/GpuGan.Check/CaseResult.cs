namespace GpuGan.Check;

/// <summary>
/// The outcome of checking one table case on one device: errors against the float64 reference (forward) and
/// finite differences (gradients, null for forward-only ops), every failure line, and the seed that reproduces it.
/// </summary>
public sealed record CaseResult(OpCase Case, int Seed, ErrorSummary? Forward, ErrorSummary? Gradient, IReadOnlyList<string> Failures, double Seconds)
{
    public string Name => Case.Name;
    public OpKind Op => Case.Op;
    public string Shape => Case.Shape;
    public bool Passed => Failures.Count == 0;

    /// <summary>A case whose run threw (a kernel a backend rejected, a device error): a failure, not a crash.</summary>
    public static CaseResult Threw(OpCase c, int seed, Exception e, double seconds) =>
        new(c, seed, null, null, [$"threw {e.GetType().Name}: {GpuGan.Text.OneLine.FirstOf(e.Message)}"], seconds);
}
