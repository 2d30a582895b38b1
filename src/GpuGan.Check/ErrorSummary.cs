namespace GpuGan.Check;

/// <summary>The worst of several comparisons of one kind (forward outputs, or gradients): what a table row shows.</summary>
public readonly record struct ErrorSummary(double RelativeError, double MaxAbsError, double Tolerance)
{
    public static ErrorSummary? Worst(IReadOnlyCollection<Comparison> comparisons) => comparisons.Count == 0
        ? null
        : new ErrorSummary(comparisons.Max(c => c.RelativeError), comparisons.Max(c => c.MaxAbsError), comparisons.Max(c => c.Tolerance));
}
