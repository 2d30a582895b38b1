using GpuGan.Check;
using GpuGan.Device;
using GpuGan.Kernels;
using GpuGan.Ops;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// The host variants of the elementwise, bias, BatchNorm, max-pooling, embedding, row-dot and Adam ops against the ILGPU kernels on the same inputs
/// (large enough to wake the workers, odd sizes so vector tails and uneven splits are hit), and across thread counts.
/// </summary>
[Collection(TestDeviceCollection.Name)]
public class HostKernelTests(TestDeviceFixture fixture)
{
    const double Tolerance = 1e-6, TranscendentalTolerance = 1e-5;

    static float[] Uniform(Random rng, int n, double lo, double hi) =>
        Enumerable.Range(0, n).Select(_ => (float)(lo + (hi - lo) * rng.NextDouble())).ToArray();

    /// <summary>Every host-backed op once (or more) on fixed inputs; the named results.</summary>
    static Dictionary<string, float[]> RunAll(ComputeDevice dev)
    {
        var rng = new Random(1234);
        var r = new Dictionary<string, float[]>();
        var live = new List<Tensor>();
        Tensor Up(float[] data) { var t = dev.Allocate(data.Length); live.Add(t); t.CopyFrom(data); return t; }
        try
        {
            var fill = Up(Uniform(rng, 50_001, -1, 1));
            ElementwiseOps.Fill(dev, fill.View, 50_001 - 3, 0.75f);
            r["fill"] = fill.ToArray();

            const int len = 100_003;
            var x = Up(Uniform(rng, len, -4, 4));
            var dy = Up(Uniform(rng, len, -1, 1));
            foreach (var kind in Enum.GetValues<ActivationKind>())
            {
                var y = Up(new float[len]);
                var dx = Up(new float[len]);
                ActivationOps.Forward(dev, x.View, y.View, len, kind, 0.2f);
                ActivationOps.Backward(dev, y.View, dy.View, dx.View, len, kind, 0.2f);
                r[$"act.{kind}.y"] = y.ToArray();
                r[$"act.{kind}.dx"] = dx.ToArray();
            }

            foreach (var l in new[] { new ChannelLayout { Batch = 5, Channels = 7, Plane = 31 * 37 }, new ChannelLayout { Batch = 300, Channels = 129, Plane = 1 } })
            {
                string tag = $"{l.Batch}x{l.Channels}x{l.Plane}";
                var t = Up(Uniform(rng, l.Length, -2, 2));
                var bias = Up(Uniform(rng, l.Channels, -1, 1));
                var sums = Up(Uniform(rng, l.Channels, -1, 1));
                ChannelOps.AddBias(dev, t.View, bias.View, l);
                ChannelOps.SumInto(dev, t.View, sums.View, l);
                r[$"bias.{tag}"] = t.ToArray();
                r[$"sum.{tag}"] = sums.ToArray();

                var bx = Up(Uniform(rng, l.Length, -3, 5));
                var bdy = Up(Uniform(rng, l.Length, -1, 1));
                var gamma = Up(Uniform(rng, l.Channels, 0.5, 1.5));
                var beta = Up(Uniform(rng, l.Channels, -0.5, 0.5));
                var rm = Up(Uniform(rng, l.Channels, -0.5, 0.5));
                var rv = Up(Uniform(rng, l.Channels, 0.5, 2));
                var mean = Up(new float[l.Channels]);
                var invStd = Up(new float[l.Channels]);
                var bsums = Up(new float[2 * l.Channels]);
                var dGamma = Up(Uniform(rng, l.Channels, -1, 1));
                var dBeta = Up(Uniform(rng, l.Channels, -1, 1));
                // plain, and with each activation fused (f applied to y, f' read from y: both vector and scalar paths)
                foreach (var (act, slope) in new[] { (ActivationKind.Identity, 0f), (ActivationKind.Relu, 0f), (ActivationKind.LeakyRelu, 0.2f), (ActivationKind.Tanh, 0f), (ActivationKind.Sigmoid, 0f) })
                {
                    string a = act == ActivationKind.Identity ? "" : $".{act}";
                    var by = Up(new float[l.Length]);
                    foreach (int training in new[] { 1, 0 })
                    {
                        var bn = new BatchNormParams { Layout = l, Eps = 1e-5f, Momentum = 0.1f, Training = training, Activation = act, Slope = slope };
                        var bdx = Up(new float[l.Length]);
                        BatchNormOps.Forward(dev, bx.View, by.View, gamma.View, beta.View, rm.View, rv.View, mean.View, invStd.View, bn);
                        BatchNormOps.Backward(dev, bx.View, by.View, bdy.View, training == 1 ? bdx.View : null, gamma.View, mean.View, invStd.View, bsums.View, dGamma.View, dBeta.View, bn);
                        string p = $"bn{training}{a}.{tag}";
                        r[$"{p}.y"] = by.ToArray();
                        if (training == 1) r[$"{p}.dx"] = bdx.ToArray();
                        r[$"{p}.mean"] = mean.ToArray();
                        r[$"{p}.invStd"] = invStd.ToArray();
                        r[$"{p}.runningMean"] = rm.ToArray();
                        r[$"{p}.runningVar"] = rv.ToArray();
                        r[$"{p}.sums"] = bsums.ToArray();
                        r[$"{p}.dGamma"] = dGamma.ToArray();
                        r[$"{p}.dBeta"] = dBeta.ToArray();
                    }
                    // eval backward with dx as well (y from the eval forward above)
                    var edx = Up(new float[l.Length]);
                    var evalBn = new BatchNormParams { Layout = l, Eps = 1e-5f, Momentum = 0.1f, Training = 0, Activation = act, Slope = slope };
                    BatchNormOps.Backward(dev, bx.View, by.View, bdy.View, edx.View, gamma.View, mean.View, invStd.View, bsums.View, dGamma.View, dBeta.View, evalBn);
                    r[$"bn0{a}.{tag}.dx"] = edx.ToArray();
                }
            }

            // max pooling: overlapping padded windows and LeNet's 2x2 / 2, on random values and on three levels (ties)
            int[] poolShape = [5, 7, 31, 37];
            int poolLength = 5 * 7 * 31 * 37;
            foreach (var (tag, data) in new[] { ("random", Uniform(rng, poolLength, -3, 3)), ("ties", Enumerable.Range(0, poolLength).Select(_ => (float)rng.Next(3)).ToArray()) })
            foreach (var o in new[] { PoolOptions.Square(3, 2, 1), PoolOptions.Square(2) })
            {
                string p = $"maxpool.{tag}.k{o.KernelH}s{o.StrideH}p{o.PadH}";
                var px = Up(data);
                var outShape = MaxPool2dOps.OutputShape(o, poolShape);
                int outLength = outShape.Aggregate(1, (a, d) => a * d);
                var py = Up(new float[outLength]);
                var pdy = Up(Uniform(rng, outLength, -1, 1));
                var pdx = Up(new float[poolLength]);
                using var argmax = dev.AllocateInts(outShape);
                MaxPool2dOps.Forward(dev, px.View, py.View, argmax.View, o, poolShape);
                MaxPool2dOps.Backward(dev, pdy.View, argmax.View, pdx.View, o, poolShape);
                r[$"{p}.y"] = py.ToArray();
                r[$"{p}.argmax"] = argmax.ToArray().Select(i => (float)i).ToArray();
                r[$"{p}.dx"] = pdx.ToArray();
            }

            // class embedding: repeated labels, unused classes (odd ones), an odd width (vector tails, uneven splits); cdcgan28's table
            foreach (var (rows, classes, dim) in new[] { (67, 13, 1001), (64, 10, 6272) })
            {
                string p = $"embedding.{rows}x{classes}x{dim}";
                var labels = Enumerable.Range(0, rows).Select(_ => 2 * rng.Next((classes + 1) / 2)).ToArray();
                using var lt = dev.AllocateInts(rows);
                lt.CopyFrom(labels);
                var table = Up(Uniform(rng, classes * dim, -1, 1));
                var ey = Up(new float[rows * dim]);
                var edy = Up(Uniform(rng, rows * dim, -1, 1));
                var dTable = Up(Uniform(rng, classes * dim, -1, 1));
                EmbeddingOps.Forward(dev, lt.View, table.View, ey.View, rows, classes, dim);
                EmbeddingOps.Backward(dev, lt.View, edy.View, dTable.View, rows, classes, dim);
                r[$"{p}.y"] = ey.ToArray();
                r[$"{p}.dTable"] = dTable.ToArray();
            }

            // row dot product: rows not a multiple of 4, an odd width; y written then accumulated, da accumulated and written, db written
            foreach (var (rows, features) in new[] { (67, 1001), (64, 6272) })
            {
                string p = $"rowdot.{rows}x{features}";
                var a = Up(Uniform(rng, rows * features, -1, 1));
                var b = Up(Uniform(rng, rows * features, -1, 1));
                var ry = Up(Uniform(rng, rows, -1, 1));
                var rdy = Up(Uniform(rng, rows, -1, 1));
                var da = Up(Uniform(rng, rows * features, -1, 1));
                var db = Up(Uniform(rng, rows * features, -1, 1));
                var daWritten = Up(Uniform(rng, rows * features, -1, 1));
                RowDotOps.Forward(dev, a.View, b.View, ry.View, rows, features, accumulate: false);
                r[$"{p}.y"] = ry.ToArray();
                RowDotOps.Forward(dev, b.View, a.View, ry.View, rows, features, accumulate: true);
                r[$"{p}.yAccumulated"] = ry.ToArray();
                RowDotOps.Backward(dev, rdy.View, a.View, b.View, da.View, db.View, rows, features, accumulateDa: true);
                RowDotOps.Backward(dev, rdy.View, a.View, b.View, daWritten.View, null, rows, features, accumulateDa: false);
                r[$"{p}.da"] = da.ToArray();
                r[$"{p}.db"] = db.ToArray();
                r[$"{p}.daWritten"] = daWritten.ToArray();
            }

            const int n = 70_001;
            foreach (var (decay, decoupled) in new[] { (0f, 0), (0.01f, 0), (0.1f, 1) })
            {
                var w = Up(Uniform(rng, n, -1, 1));
                var g = Up(Uniform(rng, n, -1, 1));
                var m = Up(Uniform(rng, n, -0.1, 0.1));
                var v = Up(Uniform(rng, n, 0, 0.01));
                for (int step = 1; step <= 3; step++)
                {
                    var p = new AdamParams
                    {
                        Lr = 2e-4f, Beta1 = 0.5f, Beta2 = 0.999f, Eps = 1e-8f, WeightDecay = decay, Decoupled = decoupled,
                        BiasCorrection1 = (float)(1 - Math.Pow(0.5, step)), BiasCorrection2 = (float)(1 - Math.Pow(0.999, step)),
                    };
                    OptimizerOps.Adam(dev, w.View, g.View, m.View, v.View, n, p);
                }
                r[$"adam.{decay}.{decoupled}.w"] = w.ToArray();
                r[$"adam.{decay}.{decoupled}.m"] = m.ToArray();
                r[$"adam.{decay}.{decoupled}.v"] = v.ToArray();
            }
        }
        finally
        {
            foreach (var t in live) t.Dispose();
        }
        return r;
    }

    [Fact]
    public void HostMatchesIlgpuKernels()
    {
        var dev = fixture.CpuSimd;
        Assert.True(dev.UsesHostKernels);
        var host = RunAll(dev);
        using var ilgpuDev = ComputeDevice.CreateCpu(dev.CpuWorkers, cpuKernels: CpuKernelVariant.Ilgpu);
        var ilgpu = RunAll(ilgpuDev);

        Assert.Equal(ilgpu.Keys.OrderBy(k => k), host.Keys.OrderBy(k => k));
        foreach (var (key, expected) in ilgpu)
        {
            var actual = host[key];
            Assert.Equal(expected.Length, actual.Length);
            // tanh and sigmoid (and what follows from them) may differ in the last bits of the math library.
            double tol = key.Contains("Tanh") || key.Contains("Sigmoid") ? TranscendentalTolerance : Tolerance;
            // the label ops sum in the kernels' order: the same bits
            bool exact = key.StartsWith("embedding.") || key.StartsWith("rowdot.");
            for (int i = 0; i < expected.Length; i++)
            {
                if (exact && BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                    Assert.Fail($"{key}[{i}]: host {actual[i]:R} vs ILGPU {expected[i]:R}, not bit-identical");
                double e = expected[i], a = actual[i];
                Assert.False(double.IsNaN(a), $"{key}[{i}] is NaN");
                if (Math.Abs(a - e) > tol * Math.Max(Math.Abs(e), 1e-3))
                    Assert.Fail($"{key}[{i}]: host {a:R} vs ILGPU {e:R}");
            }
        }
    }

    /// <summary>The op table's embedding and row-dot cases on the host SIMD device launch the host variants, nothing else.</summary>
    [Fact]
    public void LabelOpCasesRunTheHostVariants()
    {
        var dev = fixture.CpuSimd;
        var saved = dev.Profiler;
        var names = new NameRecorder();
        dev.Profiler = names;
        try
        {
            foreach (var c in OpCases.All.Where(c => c.Op is OpKind.Embedding or OpKind.RowDot))
            {
                var prep = OpHarness.Prepare(c, TestSeed.For(c.Name));
                prep.Problem.Run(dev, prep.Upstream, prep.Prefill);
            }
        }
        finally { dev.Profiler = saved; }
        var launched = names.Names.Where(n => n.StartsWith("Embedding") || n.StartsWith("RowDot")).Distinct().Order().ToList();
        Assert.Equal(["EmbeddingBackward:Host", "EmbeddingForward:Host", "RowDotBackward:Host", "RowDotForward:Host"], launched);
    }

    sealed class NameRecorder : IKernelProfiler
    {
        public List<string> Names { get; } = [];
        public void Begin(string kernel) => Names.Add(kernel);
        public void End(string kernel, double flops, double bytes) { }
    }

    [Fact]
    public void HostEmbeddingLabelOutOfRangeGivesANaNRowAndNoGradient()
    {
        Assert.True(fixture.CpuSimd.UsesHostKernels);
        LabelOpsTests.AssertLabelOutOfRange(fixture.CpuSimd);
    }

    /// <summary>The fixed partition: 1 and 3 workers give the same bits as the fixture's default count.</summary>
    [Fact]
    public void HostIsBitIdenticalAcrossThreadCounts()
    {
        var reference = RunAll(fixture.CpuSimd);
        foreach (int threads in new[] { 1, 3 })
        {
            using var dev = ComputeDevice.CreateCpu(threads);
            Assert.True(dev.UsesHostKernels);
            var other = RunAll(dev);
            foreach (var (key, expected) in reference)
                for (int i = 0; i < expected.Length; i++)
                    if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(other[key][i]))
                        Assert.Fail($"{threads} threads: {key}[{i}] {other[key][i]:R} vs {expected[i]:R}");
        }
    }
}
