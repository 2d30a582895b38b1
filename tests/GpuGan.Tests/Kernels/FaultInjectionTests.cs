using GpuGan.Check;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>The harness's fault hook: a corrupted output element is reported, with errors far past the tolerance.</summary>
[Collection(TestDeviceCollection.Name)]
public class FaultInjectionTests(TestDeviceFixture fixture)
{
    [Fact]
    public void Corrupted_case_fails_and_the_others_are_untouched()
    {
        var options = new CheckOptions { CorruptCase = "linear_n3_13to9" };
        var bad = OpHarness.Check(fixture.Device, OpCases.Get("linear_n3_13to9"), TestSeed.Base, options);
        Assert.False(bad.Passed);
        Assert.StartsWith("forward y: rel L2 ", Assert.Single(bad.Failures));
        Assert.True(bad.Forward!.Value.RelativeError > 1e-2, $"{bad.Forward}");
        Assert.True(bad.Forward!.Value.MaxAbsError >= 1, $"{bad.Forward}");
        Assert.True(bad.Gradient!.Value.RelativeError <= OpHarness.GradientTolerance, $"{bad.Gradient}");

        var good = OpHarness.Check(fixture.Device, OpCases.Get("linear_n1_1to1"), TestSeed.Base, options);
        Assert.True(good.Passed, string.Join('\n', good.Failures));
        Assert.True(good.Forward!.Value.RelativeError <= OpHarness.ForwardTolerance);
    }

    [Fact]
    public void A_run_that_throws_is_a_failed_result_not_a_crash()
    {
        var r = CaseResult.Threw(OpCases.Get("linear_n1_1to1"), 5, new InvalidOperationException("kernel rejected\nstack..."), 0.1);
        Assert.False(r.Passed);
        Assert.Equal("threw InvalidOperationException: kernel rejected", Assert.Single(r.Failures));
        Assert.Equal("1x1->1", r.Shape);
    }
}
