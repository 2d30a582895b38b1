using GpuGan.Check;
using GpuGan.Device;
using GpuGan.Ops;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Kernels;

/// <summary>Every case of the operator table on the CPU kernel family.</summary>
[Collection(CpuFamilyCollection.Name)]
public class OpTableCpuTests(CpuFamilyFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(OpCaseNames.All), MemberType = typeof(OpCaseNames))]
    public void Case(string name)
    {
        Assert.Equal(CpuKernelVariant.Ilgpu, fixture.Device.CpuKernels);
        OpAssert.Passes(fixture.Device, name, output);
    }

    /// <summary>The same inputs twice: bit-identical outputs and gradients (no atomics, fixed summation order).</summary>
    [Theory]
    [MemberData(nameof(OpCaseNames.Determinism), MemberType = typeof(OpCaseNames))]
    public void Deterministic(string name)
    {
        var c = OpCases.Get(name);
        var prep = OpHarness.Prepare(c, TestSeed.For(name));
        var a = prep.Problem.Run(fixture.Device, prep.Upstream, prep.Prefill);
        var b = prep.Problem.Run(fixture.Device, prep.Upstream, prep.Prefill);
        AssertBitIdentical(a, b, TestSeed.Hint(name));
    }

    internal static void AssertBitIdentical(RunResult a, RunResult b, string hint)
    {
        foreach (var (kind, x, y) in new[] { ("output", a.Outputs, b.Outputs), ("gradient", a.Grads, b.Grads) })
        {
            Assert.Equal(x.Keys.OrderBy(k => k), y.Keys.OrderBy(k => k));
            foreach (var (key, first) in x)
            {
                var second = y[key];
                for (int i = 0; i < first.Length; i++)
                    if (BitConverter.SingleToInt32Bits(first[i]) != BitConverter.SingleToInt32Bits(second[i]))
                        Assert.Fail($"{hint} {kind} {key}[{i}] differs between identical runs: {first[i]:R} vs {second[i]:R}");
            }
        }
    }
}

/// <summary>
/// Every case of the table on the test device (GPUGAN_TEST_DEVICE, default the CPU with the host SIMD kernels:
/// GEMM, im2col/col2im, elementwise, bias, BatchNorm, Adam) against the float64 references and finite differences,
/// NaN-poisoned outputs included. The name stays from when this was the SIMD CPU only.
/// </summary>
[Collection(TestDeviceCollection.Name)]
public class OpTableSimdTests(TestDeviceFixture fixture, ITestOutputHelper output)
{
    /// <summary>The CPU runs the host SIMD kernels; a GPU runs the GPU kernel family, every case of the table included.</summary>
    void AssertExpectedKernels()
    {
        if (fixture.IsCpu) Assert.Equal(CpuKernelVariant.Simd, fixture.Device.CpuKernels);
        else Assert.Equal(KernelFamily.Gpu, fixture.Device.Family);
    }

    [Theory]
    [MemberData(nameof(OpCaseNames.All), MemberType = typeof(OpCaseNames))]
    public void Case(string name)
    {
        AssertExpectedKernels();
        OpAssert.Passes(fixture.Device, name, output);
    }

    [Theory]
    [MemberData(nameof(OpCaseNames.Determinism), MemberType = typeof(OpCaseNames))]
    public void Deterministic(string name)
    {
        AssertExpectedKernels();
        output.WriteLine($"{name} twice on {fixture.Device}, {DeviceSummary.Kernels(fixture.Device)}");
        var prep = OpHarness.Prepare(OpCases.Get(name), TestSeed.For(name));
        var a = prep.Problem.Run(fixture.Device, prep.Upstream, prep.Prefill);
        var b = prep.Problem.Run(fixture.Device, prep.Upstream, prep.Prefill);
        OpTableCpuTests.AssertBitIdentical(a, b, TestSeed.Hint(name));
    }
}

/// <summary>
/// The tiny cases of the table on the GPU kernel family (shared-memory GEMM, per-group reductions), simulated
/// on the CPU accelerator as one 256-thread group.
/// </summary>
[Collection(GpuFamilyCollection.Name)]
public class OpTableGpuFamilyTests(GpuFamilyOnCpuFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(OpCaseNames.Gpu), MemberType = typeof(OpCaseNames))]
    public void Case(string name)
    {
        Assert.Equal(KernelFamily.Gpu, fixture.Device.Family);
        OpAssert.Passes(fixture.Device, name, output);
    }

    /// <summary>Group reductions with barriers: identical inputs give identical bits on the GPU family too.</summary>
    [Fact]
    public void GroupReductionsDeterministic()
    {
        foreach (var name in new[] { "batchnorm2d_train_n2_c5_17x19", "linear_n3_13to9", "loss_BceWithLogits_t1_n257" })
        {
            var prep = OpHarness.Prepare(OpCases.Get(name), TestSeed.For(name));
            var a = prep.Problem.Run(fixture.Device, prep.Upstream, prep.Prefill);
            var b = prep.Problem.Run(fixture.Device, prep.Upstream, prep.Prefill);
            OpTableCpuTests.AssertBitIdentical(a, b, TestSeed.Hint(name));
        }
    }
}

public class OpTableShapeTests
{
    [Fact]
    public void TableCoversTheRequiredShapes()
    {
        var all = OpCases.All;
        var convs = all.Where(c => c.Op is OpKind.Conv2d or OpKind.ConvTranspose2d).ToList();
        Assert.InRange(convs.Count(c => c.Act == ActivationFunction.Identity), 30, 45);
        // bias + every fusable activation, on both convolutions and on the GPU family
        foreach (var op in new[] { OpKind.Conv2d, OpKind.ConvTranspose2d })
        foreach (var f in new[] { ActivationFunction.Relu, ActivationFunction.LeakyRelu, ActivationFunction.Tanh, ActivationFunction.Sigmoid })
            Assert.Contains(convs, c => c.Op == op && c.Act == f && c.Bias);
        Assert.Contains(convs, c => c.Act != ActivationFunction.Identity && c.Gpu);
        for (int k = 1; k <= 5; k++) Assert.Contains(convs, c => c.Conv.KernelH == k);
        for (int s = 1; s <= 3; s++) Assert.Contains(convs, c => c.Conv.StrideH == s);
        for (int p = 0; p <= 2; p++) Assert.Contains(convs, c => c.Conv.PadH == p);
        Assert.Contains(convs, c => c.Op == OpKind.ConvTranspose2d && c.Conv.OutputPadH == 1);
        Assert.Contains(convs, c => c.N == 1);
        Assert.Contains(convs, c => c.H != c.W && c.H % 2 == 1);
        Assert.Contains(all, c => c.Op == OpKind.Linear && c.C % 2 == 1 && c.Cout % 2 == 1);
        Assert.Equal(all.Count, all.Select(c => c.Name).Distinct().Count());
        Assert.NotEmpty(OpCaseNames.Gpu);
    }

    [Fact]
    public void MaxPoolCasesCoverEveryKernelStrideAndPadding()
    {
        var pools = OpCases.All.Where(c => c.Op == OpKind.MaxPool2d).ToList();
        for (int k = 1; k <= 3; k++)
        for (int s = 1; s <= 3; s++)
        for (int p = 0; p <= 1 && 2 * p <= k; p++)
            Assert.Contains(pools, c => c.Pool == PoolOptions.Square(k, s, p));
        Assert.Contains(pools, c => c.Pool.StrideH > c.Pool.KernelH);      // inputs in no window
        Assert.Contains(pools, c => c.Pool.StrideH < c.Pool.KernelH);      // overlapping windows
        Assert.Contains(pools, c => c.NegativeInputs && c.Pool.PadH > 0);  // padding is -inf, not 0
        Assert.Contains(pools, c => c.Ties);
        Assert.Contains(pools, c => c.Gpu);
        Assert.Contains(OpCases.All, c => c.Op == OpKind.CrossEntropy && c.Gpu);
    }

    [Fact]
    public void LabelOpCasesCoverTheRequiredShapes()
    {
        var all = OpCases.All;
        var emb = all.Where(c => c.Op == OpKind.Embedding).ToList();
        Assert.Contains(emb, c => c.N == 1);
        Assert.Contains(emb, c => c.C == 1 && c.N > 1);                       // one class, every label repeated
        Assert.Contains(emb, c => c.N < c.C);                                 // classes no label names
        Assert.Contains(emb, c => c.OddClassesUnused && c.N > (c.C + 1) / 2); // repeated labels and unused classes
        Assert.Contains(emb, c => c is { N: 64, C: 10, Cout: 50 });           // MNIST cGAN
        var cat = all.Where(c => c.Op == OpKind.ConcatChannels).ToList();
        Assert.Contains(cat, c => c.H * c.W == 1 && !c.Broadcast);
        Assert.Contains(cat, c => c.H * c.W > 1 && !c.Broadcast);
        Assert.Contains(cat, c => c.H * c.W > 1 && c.Broadcast);
        Assert.Contains(cat, c => c is { N: 64, C: 100, Cout: 50, H: 1, W: 1 }); // z ++ embedding
        var dot = all.Where(c => c.Op == OpKind.RowDot).ToList();
        foreach (var acc in new[] { false, true })
        foreach (var accGrad in new[] { false, true })
            Assert.Contains(dot, c => c.Accumulate == acc && c.AccumulateGrad == accGrad);
        Assert.Contains(dot, c => c is { N: 64, C: 6272 });                  // the projection discriminator
        foreach (var op in new[] { OpKind.Embedding, OpKind.ConcatChannels, OpKind.RowDot })
        {
            Assert.Contains(all, c => c.Op == op && c.Gpu);
            Assert.Contains(all, c => c.Op == op && c.N == 1);
            Assert.Contains(OpCases.Quick, c => c.Op == op);
        }
    }

    [Fact]
    public void AdaptiveAvgPoolCasesCoverIntegralAndNonIntegralRatios()
    {
        var pools = OpCases.All.Where(c => c.Op == OpKind.AdaptiveAvgPool2d).ToList();
        Assert.Contains(pools, c => c.H % c.OutH == 0 && c.W % c.OutW == 0 && c.H > c.OutH);   // plain average pooling
        Assert.Contains(pools, c => c.H % c.OutH != 0 && c.W % c.OutW != 0 && c.H > c.OutH);   // windows sharing rows and columns
        Assert.Contains(pools, c => (c.H, c.W) == (c.OutH, c.OutW));                           // identity
        Assert.Contains(pools, c => c.H != c.W && c.OutH != c.OutW);                           // non-square
        Assert.Contains(pools, c => (c.H, c.W, c.OutH, c.OutW) == (64, 64, 28, 28));           // the metrics' downscale
        Assert.Contains(pools, c => (c.H, c.W, c.OutH, c.OutW) == (7, 7, 3, 3));
        Assert.Contains(pools, c => c.N == 1 && c.C > 1);
        Assert.Contains(pools, c => c.Gpu);
    }
}
