using GpuGan.Check;
using GpuGan.Device;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Kernels;

/// <summary>Runs a table case through the shared harness and fails the test with its report and the seed hint.</summary>
public static class OpAssert
{
    public static CaseResult Passes(ComputeDevice dev, string name, ITestOutputHelper output)
    {
        var r = OpHarness.Check(dev, OpCases.Get(name), TestSeed.Base);
        output.WriteLine($"{name} on {dev}, {DeviceSummary.Kernels(dev)}: {r.Seconds:F3} s, forward rel {r.Forward?.RelativeError:E1}, gradient rel {r.Gradient?.RelativeError:E1}");
        if (!r.Passed)
            Assert.Fail($"{TestSeed.Hint(name)} seed {r.Seed}\n{string.Join('\n', r.Failures)}");
        return r;
    }
}
