using GpuGan.Check;
using GpuGan.Device;
using GpuGan.Kernels;
using GpuGan.Ops;
using ILGPU;
using ILGPU.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// The worked example of issue 9: a variant added by registering it, nothing else edited. This test's own
/// ReLU, (x + |x|) / 2 with one thread per element, is registered for ActivationForward only; every other
/// op (and every other activation) runs what the variant falls back to, the CPU family's kernels.
/// </summary>
public class TestOnlyVariantTests(ITestOutputHelper output)
{
    static readonly OpVariant ReluByAbs = new("test-relu-abs", OpVariant.CpuFamily);
    static int reluLaunches;

    static void ReluByAbsKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = (x[i] + ILGPU.Algorithms.XMath.Abs(x[i])) * 0.5f;

    static TestOnlyVariantTests() =>
        ActivationOps.ForwardVariants.Register(dev =>
        {
            var relu = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ReluByAbsKernel);
            var others = ActivationOps.ForwardVariants.Load(dev, ReluByAbs.FallsBackTo!);
            return (x, y, length, kind, slope) =>
            {
                if (kind != ActivationKind.Relu) { others(x, y, length, kind, slope); return; }
                Interlocked.Increment(ref reluLaunches);
                using var _ = dev.Launch("ActivationForward.Relu:TestAbs", length, 8.0 * length);
                relu(length, x.SubView(0, length), y.SubView(0, length));
            };
        }, ReluByAbs);

    [Fact]
    public void RegisteredVariantIsSelectedAndPassesTheOpTable()
    {
        using var dev = ComputeDevice.CreateCpu(variant: ReluByAbs);
        Assert.Same(ReluByAbs, dev.Variant);
        int before = reluLaunches;
        var cases = OpCases.All.Where(c => c.Op == OpKind.Activation).ToList();
        Assert.Contains(cases, c => c.Act == ActivationFunction.Relu);
        foreach (var c in cases) OpAssert.Passes(dev, c.Name, output);
        Assert.True(reluLaunches > before, "the test's ReLU never ran");
    }
}
