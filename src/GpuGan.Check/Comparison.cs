namespace GpuGan.Check;

/// <summary>
/// One array compared with its expected values: relative L2 error ||a - e|| / max(||e||, floor * sqrt(n)) against
/// a tolerance, the largest absolute error, and non-finite values (any fails). Failure is the line to report, or null.
/// </summary>
public sealed record Comparison(string What, double RelativeError, double MaxAbsError, int NonFinite, double Tolerance, string? Failure)
{
    public bool Passed => Failure == null;

    /// <summary>nanEqual: an expected NaN must be matched by a NaN (and is then left out); any other non-finite fails.</summary>
    public static Comparison Of(string what, double[] actual, double[] expected, double tol, double floor = 0, bool nanEqual = false)
    {
        if (actual.Length != expected.Length)
            return new(what, double.PositiveInfinity, double.PositiveInfinity, 0, tol, $"{what}: length {actual.Length}, expected {expected.Length}");
        double num = 0, den = 0, worst = -1;
        int worstAt = -1, nan = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (nanEqual && double.IsNaN(expected[i]) && double.IsNaN(actual[i])) continue;
            if (!double.IsFinite(actual[i]) || (nanEqual && double.IsNaN(expected[i]))) { if (nan++ == 0) { worst = double.PositiveInfinity; worstAt = i; } continue; }
            double d = actual[i] - expected[i];
            num += d * d;
            den += expected[i] * expected[i];
            if (nan == 0 && Math.Abs(d) > worst) { worst = Math.Abs(d); worstAt = i; }
        }
        den = Math.Max(den, floor * floor * actual.Length);
        double rel = den > 0 ? Math.Sqrt(num / den) : Math.Sqrt(num);   // over the finite elements
        string? failure = nan > 0 || !(rel <= tol)
            ? $"{what}: rel L2 {rel:E3} (tol {tol:E0}), {nan} non-finite of {actual.Length}; worst at [{worstAt}] got {actual[worstAt]:R} expected {expected[worstAt]:R}"
            : null;
        return new(what, nan > 0 ? double.PositiveInfinity : rel, Math.Max(worst, 0), nan, tol, failure);
    }
}
