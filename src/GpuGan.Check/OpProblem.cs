using GpuGan.Device;

namespace GpuGan.Check;

/// <summary>
/// One instantiated op test: random operands, a float64 reference forward and a device run (forward and,
/// given an upstream gradient, backward). The generic harness (OpHarness) does the checking.
/// </summary>
public abstract class OpProblem
{
    public List<Operand> Operands { get; } = new();

    /// <summary>The reference output that backward differentiates (L = sum g*y); null: forward-only op.</summary>
    public abstract string? DifferentiatedOutput { get; }

    /// <summary>A fixed upstream gradient (losses: the mean reduction's 1/N times the weight); null: random.</summary>
    public virtual float[]? FixedUpstream => null;

    /// <summary>Rough cost of one reference evaluation (multiply-adds), to size the finite-difference sample.</summary>
    public abstract double ReferenceCost { get; }

    public abstract Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v);

    /// <summary>
    /// Some inputs are NaN on purpose: the forward comparison takes NaN == NaN, the finite differences leave out
    /// the NaN terms of L, and a NaN coordinate's gradient is <see cref="GradientAtNaN"/> instead.
    /// </summary>
    public virtual bool HasNaNInputs => false;

    /// <summary>The gradient expected at a NaN input coordinate (finite differences cannot give it).</summary>
    public virtual double GradientAtNaN(string operand, int index, double upstream) => double.NaN;

    /// <summary>
    /// Runs forward (outputs poisoned with NaN first) and, when upstream is given, backward: input gradients
    /// poisoned with NaN, parameter gradients prefilled from paramGradPrefill.
    /// </summary>
    public abstract RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> paramGradPrefill);

    protected Operand Add(string name, int[] shape, float[] data, Role role)
    {
        var o = new Operand(name, shape, data, role);
        Operands.Add(o);
        return o;
    }

    protected Operand Get(string name) => Operands.First(o => o.Name == name);

    // ---- random data ----

    protected static float[] Uniform(Random rng, int n, double lo = -1, double hi = 1)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return a;
    }

    /// <summary>Uniform in ±[minAbs, maxAbs]: keeps kinked functions away from their kink.</summary>
    protected static float[] AwayFromZero(Random rng, int n, double minAbs, double maxAbs)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            double m = minAbs + (maxAbs - minAbs) * rng.NextDouble();
            a[i] = (float)(rng.Next(2) == 0 ? -m : m);
        }
        return a;
    }

    /// <summary>The first index where two arrays differ bit for bit (NaN payloads included), or -1.</summary>
    protected static int FirstBitDifference(float[] a, float[] b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) return i;
        return a.Length == b.Length ? -1 : Math.Min(a.Length, b.Length);
    }

    public static int Count(int[] shape) { int n = 1; foreach (int d in shape) n *= d; return n; }
}
