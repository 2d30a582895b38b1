using GpuGan.Device;
using GpuGan.Ops;
using GpuGan.Optim;

namespace GpuGan.Check;

/// <summary>Conv2d or ConvTranspose2d through Conv2dOps / ConvTranspose2dOps.</summary>
public sealed class ConvProblem : OpProblem
{
    readonly OpCase c;
    readonly RefConvShape s;
    readonly bool transposed;

    public ConvProblem(OpCase c, Random rng)
    {
        this.c = c;
        transposed = c.Op == OpKind.ConvTranspose2d;
        var o = c.Conv;
        s = new RefConvShape(c.N, c.C, c.H, c.W, c.Cout, o.KernelH, o.KernelW, o.StrideH, o.StrideW, o.PadH, o.PadW, o.OutputPadH, o.OutputPadW);
        Add("x", [c.N, c.C, c.H, c.W], Uniform(rng, c.N * c.C * c.H * c.W), Role.Input);
        int[] wShape = transposed ? [c.C, c.Cout, o.KernelH, o.KernelW] : [c.Cout, c.C, o.KernelH, o.KernelW];
        Add("w", wShape, Uniform(rng, Count(wShape)), Role.Param);
        if (c.Bias)
        {
            var b = Uniform(rng, c.Cout);
            if (c.Act is ActivationFunction.Relu or ActivationFunction.LeakyRelu) b = BiasAwayFromKink();
            Add("b", [c.Cout], b, Role.Param);
        }
    }

    /// <summary>
    /// Fused activation with a kink: per output channel, the bias in [-0.5, 0.5] that keeps every pre-activation
    /// conv(x) + b farthest from 0, so the finite differences (steps of h in x, w, b) never straddle the kink.
    /// </summary>
    float[] BiasAwayFromKink()
    {
        var v = OpHarness.AsDoubles(this);
        var z = transposed ? RefOps.ConvTranspose2d(s, v["x"], v["w"], null) : RefOps.Conv2d(s, v["x"], v["w"], null);
        return KinkMargin.ShiftsAwayFromZero(z, c.N, c.Cout, OH * OW);
    }

    int OH => transposed ? s.TransOH : s.ConvOH;
    int OW => transposed ? s.TransOW : s.ConvOW;

    public override string DifferentiatedOutput => "y";
    public override double ReferenceCost => (double)s.N * s.Cin * s.Cout * s.KH * s.KW * (transposed ? s.H * s.W : OH * OW) + 1;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v)
    {
        v.TryGetValue("b", out var b);
        var y = transposed ? RefOps.ConvTranspose2d(s, v["x"], v["w"], b) : RefOps.Conv2d(s, v["x"], v["w"], b);
        for (int i = 0; i < y.Length; i++) y[i] = RefOps.Activation(c.Act, y[i], c.Slope);
        return new() { ["y"] = y };
    }

    // ConvOptions and the reference compute output sizes independently: a disagreement is a bug in one of them.
    void ExpectGeometry(int h, int w)
    {
        if ((h, w) != (OH, OW))
            throw new InvalidOperationException($"ConvOptions gives a {h}x{w} output, the reference {OH}x{OW}");
    }

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var x = ts.Up(Get("x").Data, Get("x").Shape);
        var w = ts.Up(Get("w").Data, Get("w").Shape);
        var b = c.Bias ? ts.Up(Get("b").Data, c.Cout) : null;
        var y = ts.Poisoned(c.N, c.Cout, OH, OW);
        int[] xShape = [c.N, c.C, c.H, c.W];
        if (!transposed)
        {
            var outShape = Conv2dOps.OutputShape(c.Conv, xShape, c.Cout);
            ExpectGeometry(outShape[2], outShape[3]);
            var col = ts.Poisoned(Conv2dOps.ColumnLength(c.Conv, xShape));
            Conv2dOps.Forward(dev, x.View, w.View, b?.View, y.View, col.View, c.Conv, xShape, c.Cout, c.Act, c.Slope);
            r.Outputs["y"] = y.ToArray();
            if (upstream == null) return r;
            var dy = ts.Up(upstream, y.Shape);
            var dx = ts.Poisoned(x.Shape);
            var dw = ts.Up(prefill["w"], w.Shape);
            var db = c.Bias ? ts.Up(prefill["b"], c.Cout) : null;
            // col must still hold unfold(x): not poisoned here.
            // with a fused activation, dy * f' goes to a poisoned buffer of y's shape (every element must be written)
            var g = c.Act == ActivationFunction.Identity ? null : ts.Poisoned(y.Shape);
            Conv2dOps.Backward(dev, dy.View, w.View, col.View, dw.View, db?.View, dx.View, c.Conv, xShape, c.Cout, c.Act, c.Slope, y.View, g?.View);
            r.Grads["x"] = dx.ToArray();
            r.Grads["w"] = dw.ToArray();
            if (db != null) r.Grads["b"] = db.ToArray();
        }
        else
        {
            var outShape = ConvTranspose2dOps.OutputShape(c.Conv, xShape, c.Cout);
            ExpectGeometry(outShape[2], outShape[3]);
            var col = ts.Poisoned(ConvTranspose2dOps.ColumnLength(c.Conv, xShape, c.Cout));
            ConvTranspose2dOps.Forward(dev, x.View, w.View, b?.View, y.View, col.View, c.Conv, xShape, c.Cout, c.Act, c.Slope);
            r.Outputs["y"] = y.ToArray();
            if (upstream == null) return r;
            var dy = ts.Up(upstream, y.Shape);
            var dx = ts.Poisoned(x.Shape);
            var dw = ts.Up(prefill["w"], w.Shape);
            var db = c.Bias ? ts.Up(prefill["b"], c.Cout) : null;
            TensorScope.Poison(col); // the transposed backward unfolds dy itself
            var g = c.Act == ActivationFunction.Identity ? null : ts.Poisoned(y.Shape);
            ConvTranspose2dOps.Backward(dev, x.View, dy.View, w.View, col.View, dw.View, db?.View, dx.View, c.Conv, xShape, c.Cout, c.Act, c.Slope, y.View, g?.View);
            r.Grads["x"] = dx.ToArray();
            r.Grads["w"] = dw.ToArray();
            if (db != null) r.Grads["b"] = db.ToArray();
        }
        return r;
    }
}

public sealed class LinearProblem : OpProblem
{
    readonly OpCase c;
    int In => c.C;
    int Out => c.Cout;

    public LinearProblem(OpCase c, Random rng)
    {
        this.c = c;
        Add("x", [c.N, In], Uniform(rng, c.N * In), Role.Input);
        Add("w", [Out, In], Uniform(rng, Out * In), Role.Param);
        if (c.Bias) Add("b", [Out], Uniform(rng, Out), Role.Param);
    }

    public override string DifferentiatedOutput => "y";
    public override double ReferenceCost => (double)c.N * In * Out + 1;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v)
    {
        v.TryGetValue("b", out var b);
        return new() { ["y"] = RefOps.Linear(c.N, In, Out, v["x"], v["w"], b) };
    }

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var x = ts.Up(Get("x").Data, c.N, In);
        var w = ts.Up(Get("w").Data, Out, In);
        var b = c.Bias ? ts.Up(Get("b").Data, Out) : null;
        var y = ts.Poisoned(c.N, Out);
        LinearOps.Forward(dev, x.View, w.View, b?.View, y.View, c.N, In, Out);
        r.Outputs["y"] = y.ToArray();
        if (upstream == null) return r;
        var dy = ts.Up(upstream, c.N, Out);
        var dx = ts.Poisoned(c.N, In);
        var dw = ts.Up(prefill["w"], Out, In);
        var db = c.Bias ? ts.Up(prefill["b"], Out) : null;
        LinearOps.Backward(dev, x.View, dy.View, w.View, dw.View, db?.View, dx.View, c.N, In, Out);
        r.Grads["x"] = dx.ToArray();
        r.Grads["w"] = dw.ToArray();
        if (db != null) r.Grads["b"] = db.ToArray();
        return r;
    }
}

/// <summary>
/// BatchNorm1d (plane 1) or BatchNorm2d, training or eval, incl. the running-stat update; with c.Act the fused
/// activation after it (y = f(BN(x)), the backward reading f' from y).
/// </summary>
public sealed class BatchNormProblem : OpProblem
{
    readonly OpCase c;
    const double Eps = 1e-5, Momentum = 0.1;
    int Plane => c.H * c.W;
    int[] XShape => c.Plane2d ? [c.N, c.C, c.H, c.W] : [c.N, c.C];

    public BatchNormProblem(OpCase c, Random rng)
    {
        this.c = c;
        int len = c.N * c.C * Plane;
        float[] x;
        // Keep every channel's spread well above zero: with two values per channel a near-zero variance would
        // make the op (and its finite differences) arbitrarily ill-conditioned.
        do x = Uniform(rng, len, -2, 2); while (c.Training && MinChannelStd(x) < 0.3);
        // shift channels apart so mean subtraction matters
        for (int i = 0; i < len; i++) x[i] += (i / Plane % c.C) * 0.5f - 0.7f;
        Add("x", XShape, x, Role.Input);
        var gamma = Uniform(rng, c.C, 0.5, 1.5);
        var beta = Uniform(rng, c.C, -0.5, 0.5);
        var runningMean = Uniform(rng, c.C, -0.5, 0.5);
        var runningVar = Uniform(rng, c.C, 0.5, 2.0);
        if (c.Act is ActivationFunction.Relu or ActivationFunction.LeakyRelu)
            beta = BetaAwayFromKink(x, gamma, runningMean, runningVar);
        Add("gamma", [c.C], gamma, Role.Param);
        Add("beta", [c.C], beta, Role.Param);
        Add("running_mean", [c.C], runningMean, Role.Const);
        Add("running_var", [c.C], runningVar, Role.Const);
    }

    /// <summary>
    /// Per channel, the beta in [-0.5, 0.5] that keeps every pre-activation gamma*xhat + beta farthest from the
    /// kink at 0, so the finite differences (steps of h in x, gamma, beta) never straddle it.
    /// </summary>
    float[] BetaAwayFromKink(float[] x, float[] gamma, float[] runningMean, float[] runningVar)
    {
        static double[] D(float[] a) => a.Select(f => (double)f).ToArray();
        var scaled = RefOps.BatchNorm(c.N, c.C, Plane, D(x), D(gamma), new double[c.C], D(runningMean), D(runningVar), c.Training,
            Eps, Momentum, out _, out _);
        return KinkMargin.ShiftsAwayFromZero(scaled, c.N, c.C, Plane);
    }

    double MinChannelStd(float[] x)
    {
        double min = double.MaxValue;
        int count = c.N * Plane;
        for (int ch = 0; ch < c.C; ch++)
        {
            double s = 0, sq = 0;
            for (int n = 0; n < c.N; n++) for (int p = 0; p < Plane; p++) { double v = x[(n * c.C + ch) * Plane + p]; s += v; sq += v * v; }
            double m = s / count;
            min = Math.Min(min, Math.Sqrt(Math.Max(0, sq / count - m * m)));
        }
        return min;
    }

    public override string DifferentiatedOutput => "y";
    public override double ReferenceCost => 4.0 * c.N * c.C * Plane + 1;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v)
    {
        var y = RefOps.BatchNorm(c.N, c.C, Plane, v["x"], v["gamma"], v["beta"], v["running_mean"], v["running_var"], c.Training,
            Eps, Momentum, out var rm, out var rv);
        for (int i = 0; i < y.Length; i++) y[i] = RefOps.Activation(c.Act, y[i], c.Slope);
        return new() { ["y"] = y, ["running_mean"] = rm, ["running_var"] = rv };
    }

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var x = ts.Up(Get("x").Data, XShape);
        var gamma = ts.Up(Get("gamma").Data, c.C);
        var beta = ts.Up(Get("beta").Data, c.C);
        var rm = ts.Up(Get("running_mean").Data, c.C);
        var rv = ts.Up(Get("running_var").Data, c.C);
        var mean = ts.Poisoned(c.C);
        var invStd = ts.Poisoned(c.C);
        var sums = ts.Poisoned(2 * c.C);
        var y = ts.Poisoned(XShape);
        BatchNormOps.Forward(dev, x.View, y.View, gamma.View, beta.View, rm.View, rv.View, mean.View, invStd.View,
            c.N, c.C, Plane, (float)Eps, (float)Momentum, c.Training, c.Act, c.Slope);
        r.Outputs["y"] = y.ToArray();
        r.Outputs["running_mean"] = rm.ToArray();
        r.Outputs["running_var"] = rv.ToArray();
        if (upstream == null) return r;
        var dy = ts.Up(upstream, XShape);
        var dx = ts.Poisoned(XShape);
        var dg = ts.Up(prefill["gamma"], c.C);
        var dbeta = ts.Up(prefill["beta"], c.C);
        BatchNormOps.Backward(dev, x.View, y.View, dy.View, dx.View, gamma.View, mean.View, invStd.View, sums.View, dg.View, dbeta.View,
            c.N, c.C, Plane, (float)Eps, (float)Momentum, c.Training, c.Act, c.Slope);
        r.Grads["x"] = dx.ToArray();
        r.Grads["gamma"] = dg.ToArray();
        r.Grads["beta"] = dbeta.ToArray();
        return r;
    }
}

public sealed class ActivationProblem : OpProblem
{
    readonly OpCase c;

    public ActivationProblem(OpCase c, Random rng)
    {
        this.c = c;
        // relu / leaky: |x| >= 0.01 >> h (finite differences never straddle the kink)
        var x = c.Act is ActivationFunction.Relu or ActivationFunction.LeakyRelu ? AwayFromZero(rng, c.Length, 0.01, 3) : Uniform(rng, c.Length, -4, 4);
        if (c.NaNInputs)
            for (int i = 3; i < x.Length; i += 7) x[i] = float.NaN;
        Add("x", [c.Length], x, Role.Input);
    }

    public override bool HasNaNInputs => c.NaNInputs;

    // PyTorch: threshold_backward (ReLU) is `y <= 0 ? 0 : dy`, so dy passes at a NaN;
    // leaky_relu_backward is `x > 0 ? dy : slope * dy`, so slope * dy.
    public override double GradientAtNaN(string operand, int index, double upstream) => c.Act switch
    {
        ActivationFunction.Relu => upstream,
        ActivationFunction.LeakyRelu => c.Slope * upstream,
        ActivationFunction.Identity => upstream,
        _ => double.NaN,
    };

    public override string DifferentiatedOutput => "y";
    public override double ReferenceCost => c.Length;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v)
    {
        Func<double, double> f = c.Act switch
        {
            ActivationFunction.Relu => RefOps.Relu,
            ActivationFunction.LeakyRelu => d => RefOps.LeakyRelu(d, c.Slope),
            ActivationFunction.Tanh => RefOps.Tanh,
            ActivationFunction.Sigmoid => RefOps.Sigmoid,
            _ => d => d,
        };
        return new() { ["y"] = v["x"].Select(f).ToArray() };
    }

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var x = ts.Up(Get("x").Data, c.Length);
        var y = ts.Poisoned(c.Length);
        ActivationOps.Forward(dev, x.View, y.View, c.Length, c.Act, c.Slope);
        r.Outputs["y"] = y.ToArray();
        if (upstream == null) return r;
        var dy = ts.Up(upstream, c.Length);
        var dx = ts.Poisoned(c.Length);
        ActivationOps.Backward(dev, y.View, dy.View, dx.View, c.Length, c.Act, c.Slope);
        r.Grads["x"] = dx.ToArray();
        return r;
    }
}

/// <summary>A GAN loss term: per-sample loss, gradient of weight*mean(loss), and the stats (mean loss, mean sigmoid).</summary>
public sealed class LossProblem : OpProblem
{
    readonly OpCase c;
    const int StatsOffset = 2, StatsLength = 6;

    public LossProblem(OpCase c, Random rng)
    {
        this.c = c;
        float[] l;
        if (c.Loss == LossFunction.Hinge)
        {
            // keep 1 + s*l away from 0 (the hinge's kink) by more than h
            l = AwayFromZero(rng, c.Length, 0.01, c.Scale);
            for (int i = 0; i < l.Length; i++) l[i] = (float)((l[i] - 1.0) / c.Target);
        }
        else l = Uniform(rng, c.Length, -c.Scale, c.Scale);
        Add("logits", [c.Length], l, Role.Input);
        if (c.PerSampleTargets) Add("targets", [c.Length], Uniform(rng, c.Length, 0, 1), Role.Const);
    }

    public override string DifferentiatedOutput => "loss";
    public override float[] FixedUpstream => Enumerable.Repeat(c.LossWeight / c.Length, c.Length).ToArray();
    public override double ReferenceCost => c.Length;

    double Term(double l, double t) => c.Loss switch
    {
        LossFunction.BceWithLogits => RefOps.BceWithLogits(l, t),
        LossFunction.LogOneMinusSigmoid => RefOps.LogOneMinusSigmoid(l),
        LossFunction.SquaredError => RefOps.SquaredError(l, t),
        LossFunction.Hinge => RefOps.Hinge(l, t),
        _ => RefOps.LinearLoss(l, t),
    };

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v)
    {
        var logits = v["logits"];
        var loss = logits.Select((l, i) => Term(l, c.PerSampleTargets ? v["targets"][i] : c.Target)).ToArray();
        return new()
        {
            ["loss"] = loss,
            ["stats"] = [RefOps.Mean(loss), RefOps.Mean(v["logits"].Select(RefOps.Sigmoid).ToArray())],
        };
    }

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var l = ts.Up(Get("logits").Data, c.Length);
        var loss = ts.Poisoned(c.Length);
        var grad = ts.Poisoned(c.Length);
        var stats = ts.Poisoned(StatsLength);
        if (c.PerSampleTargets)
        {
            var t = ts.Up(Get("targets").Data, c.Length);
            LossOps.Compute(dev, l.View, t.View, loss.View, grad.View, stats.View, StatsOffset, c.Length, c.Loss, c.LossWeight / c.Length);
        }
        else LossOps.Compute(dev, l.View, loss.View, grad.View, stats.View, StatsOffset, c.Length, c.Loss, c.Target, c.LossWeight / c.Length);
        r.Outputs["loss"] = loss.ToArray();
        var st = stats.ToArray();
        for (int i = 0; i < StatsLength; i++)
            if (i != StatsOffset && i != StatsOffset + 1 && !float.IsNaN(st[i]))
                r.Violations.Add($"LossAndMean wrote stats[{i}] outside [offset, offset+1]");
        r.Outputs["stats"] = [st[StatsOffset], st[StatsOffset + 1]];
        if (upstream != null) r.Grads["logits"] = grad.ToArray();
        return r;
    }
}

/// <summary>MaxPool2d through MaxPool2dOps: y and the argmax against the reference, dx against finite differences.</summary>
public sealed class MaxPoolProblem : OpProblem
{
    readonly OpCase c;
    readonly RefPoolShape s;

    public MaxPoolProblem(OpCase c, Random rng)
    {
        this.c = c;
        var o = c.Pool;
        s = new RefPoolShape(c.N, c.C, c.H, c.W, o.KernelH, o.KernelW, o.StrideH, o.StrideW, o.PadH, o.PadW);
        int len = c.N * c.C * c.H * c.W;
        Add("x", [c.N, c.C, c.H, c.W], c.Ties ? Levels(rng, len) : Distinct(rng, len, c.NegativeInputs), Role.Input);
    }

    // A shuffled ladder of values at least 0.006 apart: no two inputs within 2h of each other, so the argmax
    // of a window never changes under a finite-difference step and the gradient is well defined.
    static float[] Distinct(Random rng, int n, bool negative)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(0.01 * i + 0.004 * rng.NextDouble());
        rng.Shuffle(a);
        double shift = negative ? 0.01 * n + 0.1 : 0.005 * n;
        for (int i = 0; i < n; i++) a[i] -= (float)shift;
        return a;
    }

    // Three levels: most windows hold several equal maxima (the first one in row-major order must win).
    static float[] Levels(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.Next(3) - 1;
        return a;
    }

    public override string? DifferentiatedOutput => c.Ties ? null : "y";
    public override double ReferenceCost => (double)c.N * c.C * s.OH * s.OW * s.KH * s.KW + 1;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v) =>
        new() { ["y"] = RefOps.MaxPool2d(s, v["x"], out var argmax), ["argmax"] = argmax };

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        int[] xShape = [c.N, c.C, c.H, c.W];
        var outShape = MaxPool2dOps.OutputShape(c.Pool, xShape);
        // PoolOptions and the reference compute output sizes independently: a disagreement is a bug in one of them.
        if ((outShape[2], outShape[3]) != (s.OH, s.OW))
            throw new InvalidOperationException($"PoolOptions gives a {outShape[2]}x{outShape[3]} output, the reference {s.OH}x{s.OW}");
        var x = ts.Up(Get("x").Data, xShape);
        var y = ts.Poisoned(outShape);
        using var argmax = dev.AllocateInts(outShape);
        argmax.CopyFrom(Enumerable.Repeat(-1, argmax.Length).ToArray());
        MaxPool2dOps.Forward(dev, x.View, y.View, argmax.View, c.Pool, xShape);
        r.Outputs["y"] = y.ToArray();
        r.Outputs["argmax"] = argmax.ToArray().Select(i => (float)i).ToArray();
        if (upstream == null) return r;
        var dy = ts.Up(upstream, outShape);
        var dx = ts.Poisoned(xShape);
        MaxPool2dOps.Backward(dev, dy.View, argmax.View, dx.View, c.Pool, xShape);
        r.Grads["x"] = dx.ToArray();
        return r;
    }
}

/// <summary>AdaptiveAvgPool2d through AdaptiveAvgPool2dOps: y against the reference, dx against finite differences.</summary>
public sealed class AdaptiveAvgPoolProblem : OpProblem
{
    readonly OpCase c;

    public AdaptiveAvgPoolProblem(OpCase c, Random rng)
    {
        this.c = c;
        Add("x", [c.N, c.C, c.H, c.W], Uniform(rng, c.N * c.C * c.H * c.W), Role.Input);
    }

    public override string DifferentiatedOutput => "y";
    // every input is read by at most 4 windows (2 rows x 2 columns) when downscaling, by more when upscaling
    public override double ReferenceCost => 4.0 * c.N * c.C * Math.Max(c.H * c.W, c.OutH * c.OutW) + 1;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v) =>
        new() { ["y"] = RefOps.AdaptiveAvgPool2d(c.N, c.C, c.H, c.W, c.OutH, c.OutW, v["x"]) };

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        int[] xShape = [c.N, c.C, c.H, c.W];
        int[] outShape = AdaptiveAvgPool2dOps.OutputShape(xShape, c.OutH, c.OutW);
        var x = ts.Up(Get("x").Data, xShape);
        var y = ts.Poisoned(outShape);
        AdaptiveAvgPool2dOps.Forward(dev, x.View, y.View, xShape, c.OutH, c.OutW);
        r.Outputs["y"] = y.ToArray();
        if (upstream == null) return r;
        var dy = ts.Up(upstream, outShape);
        var dx = ts.Poisoned(xShape);
        AdaptiveAvgPool2dOps.Backward(dev, dy.View, dx.View, xShape, c.OutH, c.OutW);
        r.Grads["x"] = dx.ToArray();
        return r;
    }
}

/// <summary>
/// Softmax cross-entropy with integer labels through SoftmaxCrossEntropyOps: per-row loss, correctness and the
/// gradient of weight * mean(loss); the plain softmax on the same logits.
/// </summary>
public sealed class CrossEntropyProblem : OpProblem
{
    readonly OpCase c;
    int Rows => c.N;
    int Classes => c.C;

    public CrossEntropyProblem(OpCase c, Random rng)
    {
        this.c = c;
        Add("logits", [Rows, Classes], Uniform(rng, Rows * Classes, -c.Scale, c.Scale), Role.Input);
        // labels are integers; the operand list holds floats (exact), never differentiated
        Add("labels", [Rows], Enumerable.Range(0, Rows).Select(_ => (float)rng.Next(Classes)).ToArray(), Role.Const);
    }

    public override string DifferentiatedOutput => "loss";
    public override float[] FixedUpstream => Enumerable.Repeat(c.LossWeight / Rows, Rows).ToArray();
    public override double ReferenceCost => 3.0 * Rows * Classes;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v) => new()
    {
        ["loss"] = RefOps.CrossEntropy(Rows, Classes, v["logits"], v["labels"]),
        ["correct"] = RefOps.Correct(Rows, Classes, v["logits"], v["labels"]),
        ["probs"] = RefOps.Softmax(Rows, Classes, v["logits"]),
    };

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var logits = ts.Up(Get("logits").Data, Rows, Classes);
        using var labels = dev.AllocateInts(Rows);
        labels.CopyFrom(Get("labels").Data.Select(f => (int)f).ToArray());
        var loss = ts.Poisoned(Rows);
        var correct = ts.Poisoned(Rows);
        var dlogits = ts.Poisoned(Rows, Classes);
        var probs = ts.Poisoned(Rows, Classes);
        SoftmaxCrossEntropyOps.Forward(dev, logits.View, labels.View, loss.View, correct.View, dlogits.View, Rows, Classes, c.LossWeight / Rows);
        SoftmaxCrossEntropyOps.Softmax(dev, logits.View, probs.View, Rows, Classes);
        r.Outputs["loss"] = loss.ToArray();
        r.Outputs["correct"] = correct.ToArray();
        r.Outputs["probs"] = probs.ToArray();
        if (upstream != null) r.Grads["logits"] = dlogits.ToArray();
        return r;
    }
}

/// <summary>
/// Class embedding through EmbeddingOps: y = table[labels] against the reference, the table gradient (accumulated
/// onto a prefill) against finite differences; rows of classes no label names must keep the prefill bit for bit.
/// </summary>
public sealed class EmbeddingProblem : OpProblem
{
    readonly OpCase c;
    int Classes => c.C;
    int Dim => c.Cout;

    public EmbeddingProblem(OpCase c, Random rng)
    {
        this.c = c;
        Add("table", [Classes, Dim], Uniform(rng, Classes * Dim), Role.Param);
        // labels are integers; the operand list holds floats (exact), never differentiated
        int evenClasses = (Classes + 1) / 2;
        var labels = Enumerable.Range(0, c.N).Select(_ => (float)(c.OddClassesUnused ? 2 * rng.Next(evenClasses) : rng.Next(Classes))).ToArray();
        Add("labels", [c.N], labels, Role.Const);
    }

    public override string DifferentiatedOutput => "y";
    public override double ReferenceCost => (double)c.N * Dim + 1;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v) =>
        new() { ["y"] = RefOps.Embedding(c.N, Dim, v["table"], v["labels"]) };

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var labelValues = Get("labels").Data.Select(f => (int)f).ToArray();
        using var labels = dev.AllocateInts(c.N);
        labels.CopyFrom(labelValues);
        var table = ts.Up(Get("table").Data, Classes, Dim);
        var y = ts.Poisoned(c.N, Dim);
        EmbeddingOps.Forward(dev, labels.View, table.View, y.View, c.N, Classes, Dim);
        r.Outputs["y"] = y.ToArray();
        if (upstream == null) return r;
        var dy = ts.Up(upstream, c.N, Dim);
        var dTable = ts.Up(prefill["table"], Classes, Dim);
        EmbeddingOps.Backward(dev, labels.View, dy.View, dTable.View, c.N, Classes, Dim);
        var grad = dTable.ToArray();
        r.Grads["table"] = grad;
        // finite differences sample the table; a class no label names must keep its prefill exactly
        foreach (int k in Enumerable.Range(0, Classes).Except(labelValues))
        {
            int at = FirstBitDifference(grad[(k * Dim)..((k + 1) * Dim)], prefill["table"][(k * Dim)..((k + 1) * Dim)]);
            if (at >= 0) r.Violations.Add($"embedding backward changed the gradient of class {k}, which no label names, at d = {at}");
        }
        return r;
    }
}

/// <summary>
/// Channel concatenation through ConcatOps: y = [a, b] against the reference, both input gradients (written) against
/// finite differences; each gradient alone (the other null) must give the same bits.
/// </summary>
public sealed class ConcatProblem : OpProblem
{
    readonly OpCase c;
    int Plane => c.H * c.W;
    int[] AShape => [c.N, c.C, Plane];
    int[] BShape => c.Broadcast ? [c.N, c.Cout] : [c.N, c.Cout, Plane];
    int[] YShape => [c.N, c.C + c.Cout, Plane];

    public ConcatProblem(OpCase c, Random rng)
    {
        this.c = c;
        Add("a", AShape, Uniform(rng, Count(AShape)), Role.Input);
        Add("b", BShape, Uniform(rng, Count(BShape)), Role.Input);
    }

    public override string DifferentiatedOutput => "y";
    public override double ReferenceCost => Count(YShape) + 1;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v) =>
        new() { ["y"] = RefOps.ConcatChannels(c.N, c.C, c.Cout, Plane, c.Broadcast, v["a"], v["b"]) };

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var a = ts.Up(Get("a").Data, AShape);
        var b = ts.Up(Get("b").Data, BShape);
        var y = ts.Poisoned(YShape);
        ConcatOps.Channels(dev, a.View, b.View, y.View, c.N, c.C, c.Cout, Plane, c.Broadcast);
        r.Outputs["y"] = y.ToArray();
        if (upstream == null) return r;
        var dy = ts.Up(upstream, YShape);
        var da = ts.Poisoned(AShape);
        var db = ts.Poisoned(BShape);
        ConcatOps.SplitChannels(dev, dy.View, da.View, db.View, c.N, c.C, c.Cout, Plane, c.Broadcast);
        r.Grads["a"] = da.ToArray();
        r.Grads["b"] = db.ToArray();
        var daAlone = ts.Poisoned(AShape);
        var dbAlone = ts.Poisoned(BShape);
        ConcatOps.SplitChannels(dev, dy.View, daAlone.View, null, c.N, c.C, c.Cout, Plane, c.Broadcast);
        ConcatOps.SplitChannels(dev, dy.View, null, dbAlone.View, c.N, c.C, c.Cout, Plane, c.Broadcast);
        if (FirstBitDifference(daAlone.ToArray(), r.Grads["a"]) is var ia and >= 0) r.Violations.Add($"da with db null differs at {ia}");
        if (FirstBitDifference(dbAlone.ToArray(), r.Grads["b"]) is var ib and >= 0) r.Violations.Add($"db with da null differs at {ib}");
        return r;
    }
}

/// <summary>
/// Row dot product through RowDotOps: y (+)= rowwise a.b against the reference (Accumulate: onto a prefilled y, a
/// Const operand the reference adds), da and db against finite differences. AccumulateGrad: da adds onto a prefill,
/// which the harness does for a Param, so a is one then; otherwise both gradients are written inputs. Each gradient
/// alone (the other null) must give the same bits.
/// </summary>
public sealed class RowDotProblem : OpProblem
{
    readonly OpCase c;
    int Features => c.C;

    public RowDotProblem(OpCase c, Random rng)
    {
        this.c = c;
        Add("a", [c.N, Features], Uniform(rng, c.N * Features), c.AccumulateGrad ? Role.Param : Role.Input);
        Add("b", [c.N, Features], Uniform(rng, c.N * Features), Role.Input);
        if (c.Accumulate) Add("y_before", [c.N], Uniform(rng, c.N), Role.Const);
    }

    public override string DifferentiatedOutput => "y";
    public override double ReferenceCost => (double)c.N * Features + 1;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v)
    {
        var y = RefOps.RowDot(c.N, Features, v["a"], v["b"]);
        if (c.Accumulate) for (int i = 0; i < c.N; i++) y[i] += v["y_before"][i];
        return new() { ["y"] = y };
    }

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        var a = ts.Up(Get("a").Data, c.N, Features);
        var b = ts.Up(Get("b").Data, c.N, Features);
        var y = c.Accumulate ? ts.Up(Get("y_before").Data, c.N) : ts.Poisoned(c.N);
        RowDotOps.Forward(dev, a.View, b.View, y.View, c.N, Features, c.Accumulate);
        r.Outputs["y"] = y.ToArray();
        if (upstream == null) return r;
        var dy = ts.Up(upstream, c.N);
        Tensor DaBefore() => c.AccumulateGrad ? ts.Up(prefill["a"], c.N, Features) : ts.Poisoned(c.N, Features);
        var da = DaBefore();
        var db = ts.Poisoned(c.N, Features);
        RowDotOps.Backward(dev, dy.View, a.View, b.View, da.View, db.View, c.N, Features, c.AccumulateGrad);
        r.Grads["a"] = da.ToArray();
        r.Grads["b"] = db.ToArray();
        var daAlone = DaBefore();
        var dbAlone = ts.Poisoned(c.N, Features);
        RowDotOps.Backward(dev, dy.View, a.View, b.View, daAlone.View, null, c.N, Features, c.AccumulateGrad);
        RowDotOps.Backward(dev, dy.View, a.View, b.View, null, dbAlone.View, c.N, Features, c.AccumulateGrad);
        if (FirstBitDifference(daAlone.ToArray(), r.Grads["a"]) is var ia and >= 0) r.Violations.Add($"da with db null differs at {ia}");
        if (FirstBitDifference(dbAlone.ToArray(), r.Grads["b"]) is var ib and >= 0) r.Violations.Add($"db with da null differs at {ib}");
        return r;
    }
}

/// <summary>Adam/AdamW, SGD (momentum), weight clipping or the weight average, several steps; forward-only (w and the state).</summary>
public sealed class OptimizerProblem : OpProblem
{
    readonly OpCase c;

    public OptimizerProblem(OpCase c, Random rng)
    {
        this.c = c;
        int n = c.Length;
        Add("w", [n], Uniform(rng, n, -2, 2), Role.Const);
        Add("grad", [n], Uniform(rng, n, -1, 1), Role.Const);
        if (c.Op == OpKind.Adam)
        {
            Add("m", [n], c.FreshState ? new float[n] : Uniform(rng, n, -0.1, 0.1), Role.Const);
            Add("v", [n], c.FreshState ? new float[n] : Uniform(rng, n, 0, 0.05), Role.Const);
        }
        else if (c.Op == OpKind.Sgd)
        {
            var buf = c.FreshState ? Enumerable.Repeat(float.NaN, n).ToArray() : Uniform(rng, n, -0.5, 0.5); // first step must not read it
            Add("buf", [n], buf, Role.Const);
        }
        else if (c.Op == OpKind.Ema) Add("avg", [n], Uniform(rng, n, -2, 2), Role.Const);
    }

    public override string? DifferentiatedOutput => null;
    public override double ReferenceCost => c.Length;

    public override Dictionary<string, double[]> Reference(IReadOnlyDictionary<string, double[]> v)
    {
        var w = (double[])v["w"].Clone();
        var res = new Dictionary<string, double[]>();
        switch (c.Op)
        {
            case OpKind.Adam:
            {
                var m = (double[])v["m"].Clone();
                var vv = (double[])v["v"].Clone();
                for (int s = 0; s < c.Steps; s++)
                    RefOps.AdamStep(w, v["grad"], m, vv, c.StartStep + s, c.Lr, c.Beta1, c.Beta2, c.Eps, c.WeightDecay, c.Decoupled);
                res["m"] = m; res["v"] = vv;
                break;
            }
            case OpKind.Sgd:
            {
                var buf = (double[])v["buf"].Clone();
                for (int s = 0; s < c.Steps; s++)
                    RefOps.SgdStep(w, v["grad"], buf, c.FreshState && s == 0, c.Lr, c.Momentum, c.WeightDecay);
                if (c.Momentum != 0) res["buf"] = buf;
                break;
            }
            case OpKind.Ema:
            {
                var avg = (double[])v["avg"].Clone();
                for (int s = 0; s < c.Steps; s++) RefOps.EmaUpdate(avg, w, c.Decay);
                res["avg"] = avg;
                break;
            }
            default:
                RefOps.ClipWeights(w, c.Clip);
                break;
        }
        res["w"] = w;
        return res;
    }

    public override RunResult Run(ComputeDevice dev, float[]? upstream, IReadOnlyDictionary<string, float[]> prefill)
    {
        var r = new RunResult();
        using var ts = new TensorScope(dev);
        int n = c.Length;
        var w = ts.Up(Get("w").Data, n);
        var grad = ts.Up(Get("grad").Data, n);
        switch (c.Op)
        {
            case OpKind.Adam:
            {
                var m = ts.Up(Get("m").Data, n);
                var v = ts.Up(Get("v").Data, n);
                for (int s = 0; s < c.Steps; s++)
                {
                    int t = c.StartStep + s;
                    var o = new AdamOptions(c.Lr, c.Beta1, c.Beta2, c.Eps, c.WeightDecay, c.Decoupled);
                    OptimizerOps.Adam(dev, w.View, grad.View, m.View, v.View, n, o, c.Lr, t);
                }
                r.Outputs["m"] = m.ToArray();
                r.Outputs["v"] = v.ToArray();
                break;
            }
            case OpKind.Sgd:
            {
                var buf = ts.Up(Get("buf").Data, n);
                for (int s = 0; s < c.Steps; s++)
                {
                    OptimizerOps.Sgd(dev, w.View, grad.View, buf.View, n, new SgdOptions(c.Lr, c.Momentum, c.WeightDecay), c.Lr, hasBuffer: !(c.FreshState && s == 0));
                }
                if (c.Momentum != 0) r.Outputs["buf"] = buf.ToArray();
                else
                {
                    var untouched = buf.ToArray();
                    int changed = Enumerable.Range(0, n).FirstOrDefault(
                        i => BitConverter.SingleToInt32Bits(untouched[i]) != BitConverter.SingleToInt32Bits(Get("buf").Data[i]), -1);
                    if (changed >= 0) r.Violations.Add($"SGD without momentum changed its buffer at {changed}");
                }
                break;
            }
            case OpKind.Ema:
            {
                var avg = ts.Up(Get("avg").Data, n);
                for (int s = 0; s < c.Steps; s++) OptimizerOps.Ema(dev, avg.View, w.View, n, c.Decay);
                r.Outputs["avg"] = avg.ToArray();
                break;
            }
            default:
                OptimizerOps.ClipWeights(dev, w.View, n, c.Clip);
                break;
        }
        r.Outputs["w"] = w.ToArray();
        return r;
    }
}
