using System.Diagnostics;
using GpuGan.Device;

namespace GpuGan.Check;

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

    /// <summary>
    /// Checks one case on a device with the case's seed derived from baseSeed. Exceptions of the run propagate
    /// (tests want the stack trace); <see cref="CheckCatching"/> turns them into a failed result.
    /// </summary>
    public static CaseResult Check(ComputeDevice dev, OpCase c, int baseSeed, CheckOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        int seed = CheckSeed.For(baseSeed, c.Name);
        var prep = Prepare(c, seed);
        var problem = prep.Problem;
        var values = AsDoubles(problem);
        var reference = problem.Reference(values);
        var result = problem.Run(dev, prep.Upstream, prep.Prefill);
        if ((options ?? CheckOptions.Default).Corrupts(c)) Corrupt(result, problem);

        var failures = new List<string>(result.Violations);
        var forward = new List<Comparison>();
        foreach (var (name, expected) in reference)
        {
            if (!result.Outputs.TryGetValue(name, out var actual)) { failures.Add($"output {name}: not returned"); continue; }
            Record(forward, Comparison.Of($"forward {name}", actual.Select(f => (double)f).ToArray(), expected, ForwardTolerance, nanEqual: problem.HasNaNInputs), failures);
        }

        var gradients = new List<Comparison>();
        if (problem.DifferentiatedOutput != null)
        {
            var rng = new Random(seed ^ 0x5bd1e995);
            var g = prep.Upstream!.Select(f => (double)f).ToArray();
            string yName = problem.DifferentiatedOutput;
            double Loss()
            {
                var y = problem.Reference(values)[yName];
                double s = 0;
                for (int i = 0; i < y.Length; i++)
                    if (!(problem.HasNaNInputs && double.IsNaN(y[i]))) s += g[i] * y[i];
                return s;
            }
            var diff = problem.Operands.Where(o => o.Role != Role.Const).ToList();
            int perOperand = (int)Math.Clamp(FiniteDifferenceBudget / (2.0 * problem.ReferenceCost * diff.Count), MinCoordinates, MaxCoordinates);
            foreach (var o in diff)
            {
                if (!result.Grads.TryGetValue(o.Name, out var grad)) { failures.Add($"gradient {o.Name}: not returned"); continue; }
                // input gradients are written: no NaN of the poison may survive anywhere
                int nan = grad.Count(float.IsNaN);
                if (nan > 0) failures.Add($"gradient {o.Name}: {nan} of {grad.Length} elements NaN (unwritten or non-finite)");
                var coords = Sample(o.Data.Length, perOperand, rng);
                var v = values[o.Name];
                var fd = new double[coords.Length];
                var got = new double[coords.Length];
                for (int j = 0; j < coords.Length; j++)
                {
                    int i = coords[j];
                    double keep = v[i];
                    if (double.IsNaN(keep))
                    {
                        fd[j] = problem.GradientAtNaN(o.Name, i, g[i]);
                        got[j] = grad[i];
                        continue;
                    }
                    v[i] = keep + H; double lp = Loss();
                    v[i] = keep - H; double lm = Loss();
                    v[i] = keep;
                    fd[j] = (lp - lm) / (2 * H);
                    got[j] = o.Role == Role.Param ? (double)grad[i] - prep.Prefill[o.Name][i] : grad[i];
                }
                string what = coords.Length == o.Data.Length ? "all" : $"{coords.Length} of {o.Data.Length}";
                Record(gradients, Comparison.Of($"gradient {o.Name} ({what} coords{(o.Role == Role.Param ? ", accumulated onto c" : "")})", got, fd, GradientTolerance, GradientFloor), failures);
            }
        }
        return new CaseResult(c, seed, ErrorSummary.Worst(forward), ErrorSummary.Worst(gradients), failures, clock.Elapsed.TotalSeconds);
    }

    static void Record(List<Comparison> kind, Comparison c, List<string> failures)
    {
        kind.Add(c);
        if (c.Failure != null) failures.Add(c.Failure);
    }

    /// <summary>As <see cref="Check"/>, but a run that throws is a failed result naming the exception.</summary>
    public static CaseResult CheckCatching(ComputeDevice dev, OpCase c, int baseSeed, CheckOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        try { return Check(dev, c, baseSeed, options); }
        catch (Exception e) { return CaseResult.Threw(c, CheckSeed.For(baseSeed, c.Name), e, clock.Elapsed.TotalSeconds); }
    }

    /// <summary>The fault injection of <see cref="CheckOptions.CorruptCase"/>: one element of the main output, moved far off.</summary>
    static void Corrupt(RunResult result, OpProblem problem)
    {
        var y = result.Outputs[problem.DifferentiatedOutput ?? result.Outputs.Keys.First()];
        int i = y.Length / 2;
        y[i] += 1f + Math.Abs(y[i]);
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
}
