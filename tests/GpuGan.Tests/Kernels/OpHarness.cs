using System.Text;
using GpuGan.Device;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// Runs one table case on a device and checks it: forward against the float64 reference (relative L2 <= 1e-5),
/// every gradient against central finite differences of the float64 reference (relative L2 <= 1e-4),
/// input gradients fully overwritten (poisoned with NaN), parameter gradients accumulated (prefilled with c).
/// </summary>
public static class OpHarness
{
    public const double ForwardTolerance = 1e-5;
    public const double GradientTolerance = 1e-4;
    public const double H = 1e-3;
    public const int MaxCoordinates = 300;
    /// <summary>Reference multiply-adds allowed for one case's finite differences (keeps the DCGAN shapes to seconds).</summary>
    public const double FiniteDifferenceBudget = 3e8;
    public const int MinCoordinates = 8;
    /// <summary>
    /// Gradients are compared relative to max(||expected||, GradientFloor * sqrt(n)): a gradient that vanishes
    /// mathematically (BatchNorm's input gradient with two values per channel is 0 up to eps) is then held to an
    /// absolute error of about 1e-6 RMS instead of a relative error of float32 cancellation noise.
    /// </summary>
    public const double GradientFloor = 1e-2;

    public sealed record Prepared(OpCase Case, OpProblem Problem, float[]? Upstream, Dictionary<string, float[]> Prefill);

    public static Prepared Prepare(OpCase c, int seed)
    {
        var rng = new Random(seed);
        var problem = c.Instantiate(rng);
        float[]? upstream = null;
        var prefill = new Dictionary<string, float[]>();
        if (problem.DifferentiatedOutput != null)
        {
            var reference = problem.Reference(AsDoubles(problem));
            int len = reference[problem.DifferentiatedOutput].Length;
            upstream = problem.FixedUpstream ?? Enumerable.Range(0, len).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            foreach (var o in problem.Operands.Where(o => o.Role == Role.Param))
                prefill[o.Name] = Enumerable.Range(0, o.Data.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        }
        return new Prepared(c, problem, upstream, prefill);
    }

    public static Dictionary<string, double[]> AsDoubles(OpProblem p) =>
        p.Operands.ToDictionary(o => o.Name, o => o.Data.Select(f => (double)f).ToArray());

    public static void Check(ComputeDevice dev, OpCase c)
    {
        int seed = TestSeed.For(c.Name);
        string hint = TestSeed.Hint(c.Name);
        var prep = Prepare(c, seed);
        var problem = prep.Problem;
        var values = AsDoubles(problem);
        var reference = problem.Reference(values);
        var result = problem.Run(dev, prep.Upstream, prep.Prefill);

        var failures = new StringBuilder();
        foreach (var (name, expected) in reference)
        {
            if (!result.Outputs.TryGetValue(name, out var actual)) { failures.AppendLine($"output {name}: not returned"); continue; }
            Compare($"forward {name}", actual.Select(f => (double)f).ToArray(), expected, ForwardTolerance, failures);
        }

        if (problem.DifferentiatedOutput != null)
        {
            var rng = new Random(seed ^ 0x5bd1e995);
            var g = prep.Upstream!.Select(f => (double)f).ToArray();
            string yName = problem.DifferentiatedOutput;
            double Loss()
            {
                var y = problem.Reference(values)[yName];
                double s = 0;
                for (int i = 0; i < y.Length; i++) s += g[i] * y[i];
                return s;
            }
            var diff = problem.Operands.Where(o => o.Role != Role.Const).ToList();
            int perOperand = (int)Math.Clamp(FiniteDifferenceBudget / (2.0 * problem.ReferenceCost * diff.Count), MinCoordinates, MaxCoordinates);
            foreach (var o in diff)
            {
                if (!result.Grads.TryGetValue(o.Name, out var grad)) { failures.AppendLine($"gradient {o.Name}: not returned"); continue; }
                // input gradients are written: no NaN of the poison may survive anywhere
                int nan = grad.Count(float.IsNaN);
                if (nan > 0) failures.AppendLine($"gradient {o.Name}: {nan} of {grad.Length} elements NaN (unwritten or non-finite)");
                var coords = Sample(o.Data.Length, perOperand, rng);
                var v = values[o.Name];
                var fd = new double[coords.Length];
                var got = new double[coords.Length];
                for (int j = 0; j < coords.Length; j++)
                {
                    int i = coords[j];
                    double keep = v[i];
                    v[i] = keep + H; double lp = Loss();
                    v[i] = keep - H; double lm = Loss();
                    v[i] = keep;
                    fd[j] = (lp - lm) / (2 * H);
                    got[j] = o.Role == Role.Param ? (double)grad[i] - prep.Prefill[o.Name][i] : grad[i];
                }
                string what = coords.Length == o.Data.Length ? "all" : $"{coords.Length} of {o.Data.Length}";
                Compare($"gradient {o.Name} ({what} coords{(o.Role == Role.Param ? ", accumulated onto c" : "")})", got, fd, GradientTolerance, failures, GradientFloor);
            }
        }
        if (failures.Length > 0)
            Assert.Fail($"{hint} seed {seed}\n{failures}");
    }

    static int[] Sample(int length, int count, Random rng)
    {
        if (length <= count) return Enumerable.Range(0, length).ToArray();
        var idx = Enumerable.Range(0, length).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = i + rng.Next(length - i);
            (idx[i], idx[j]) = (idx[j], idx[i]);
        }
        var s = idx[..count];
        Array.Sort(s);
        return s;
    }

    /// <summary>Relative L2 error ||a - e|| / ||e||; NaN anywhere fails. Reports the worst element.</summary>
    public static void Compare(string what, double[] actual, double[] expected, double tol, StringBuilder failures, double floor = 0)
    {
        if (actual.Length != expected.Length) { failures.AppendLine($"{what}: length {actual.Length}, expected {expected.Length}"); return; }
        double num = 0, den = 0, worst = -1;
        int worstAt = -1, nan = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!double.IsFinite(actual[i])) { if (nan++ == 0) { worst = double.PositiveInfinity; worstAt = i; } continue; }
            double d = actual[i] - expected[i];
            num += d * d;
            den += expected[i] * expected[i];
            if (nan == 0 && Math.Abs(d) > worst) { worst = Math.Abs(d); worstAt = i; }
        }
        den = Math.Max(den, floor * floor * actual.Length);
        double rel = den > 0 ? Math.Sqrt(num / den) : Math.Sqrt(num);
        if (nan > 0 || !(rel <= tol))
            failures.AppendLine($"{what}: rel L2 {rel:E3} (tol {tol:E0}), {nan} non-finite of {actual.Length}; worst at [{worstAt}] got {actual[worstAt]:R} expected {expected[worstAt]:R}");
    }
}
