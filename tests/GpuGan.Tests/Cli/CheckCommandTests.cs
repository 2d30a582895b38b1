using GpuGan.Check;
using GpuGan.Cli;
using Xunit;

namespace GpuGan.Tests.Cli;

/// <summary>
/// gpugan check as a user meets it: the table and verdict on the CPU, exit codes, and a deliberately corrupted
/// result reported as a failure (so the check itself is shown able to fail). The only tests that set
/// GPUGAN_CHECK_FAULT; one class, so they never run alongside each other.
/// </summary>
public sealed class CheckCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(args);

    /// <summary>The table row of a case: "op  case  shape  forward  gradient  s  PASS|FAIL".</summary>
    static string RowOf(string output, string name) =>
        Assert.Single(output.Split('\n'), l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var n, ..] && n == name).TrimEnd();

    [Fact]
    public void Help_lists_the_options_with_defaults()
    {
        var r = Run("check", "--help");
        Assert.Equal(0, r.Code);
        foreach (var option in new[] { "--device NAME", "--quick", "--seed N", "--threads N", "--cpu-kernels KIND", "--filter TEXT" })
            Assert.Contains(option, r.Out);
        Assert.Contains($"{OpCases.Quick.Count} of the {OpCases.All.Count} cases", r.Out);
        Assert.Contains("GPUGAN_CHECK_FAULT", r.Out);
    }

    [Theory]
    [InlineData(new[] { "check", "--bogus" }, 2, "check: unknown option --bogus")]
    [InlineData(new[] { "check", "--seed", "x" }, 2, "--seed 'x'")]
    [InlineData(new[] { "check", "--cpu-kernels", "gpu" }, 2, "--cpu-kernels 'gpu'")]
    [InlineData(new[] { "check", "--filter", "no_such_case" }, 2, "--filter 'no_such_case' matches no case")]
    [InlineData(new[] { "check", "--device", "quantum" }, 1, "--device 'quantum'")]
    [InlineData(new[] { "check", "--device", "cuda:7" }, 1, "cuda")]
    public void Bad_input_gives_one_line_and_a_nonzero_exit(string[] args, int code, string message)
    {
        var r = Run(args);
        Assert.Equal(code, r.Code);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("gpugan: error: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(message, err);
    }

    [Fact]
    public void Quick_check_on_the_cpu_passes_and_fails_when_a_result_is_corrupted()
    {
        var quick = OpCases.Quick;
        var ok = Run("check", "--device", "cpu", "--quick", "--seed", "11");
        Assert.True(ok.Code == 0, ok.Out + ok.Err);
        Assert.Contains("on cpu (", ok.Out.Split('\n')[0]);
        Assert.Contains("kernels: cpu kernel family, cpu-kernels simd", ok.Out);
        Assert.Contains("seed: 11 ", ok.Out);
        Assert.Matches(@"op +case +shape +forward +gradient +s +result", ok.Out);
        foreach (var c in quick)
        {
            string row = RowOf(ok.Out, c.Name);
            Assert.EndsWith("PASS", row);
            Assert.Contains($"  {c.Shape}  ", row);
        }
        Assert.Matches($@"check: {quick.Count} of {quick.Count} cases passed on cpu \(.+\) in [0-9.]+ s", ok.Out);

        // As a broken kernel would: one output element of the three small linear cases is wrong. Only the cases
        // named "linear" run (--filter), to keep the test short; the two DCGAN linear cases and the WGAN ("Linear")
        // loss cases must still pass.
        var linear = quick.Where(c => c.Name.Contains("linear", StringComparison.OrdinalIgnoreCase)).Select(c => c.Name).ToList();
        var corrupted = linear.Where(n => n.StartsWith("linear_n", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, corrupted.Count);
        Assert.Equal(5, quick.Count(c => c.Op == OpKind.Linear));
        Environment.SetEnvironmentVariable(CheckCommand.FaultVariable, "linear_n");
        (int Code, string Out, string Err) bad;
        try { bad = Run("check", "--device", "cpu", "--quick", "--filter", "linear", "--seed", "11"); }
        finally { Environment.SetEnvironmentVariable(CheckCommand.FaultVariable, null); }
        Assert.Equal(1, bad.Code);
        Assert.Contains("fault injection: GPUGAN_CHECK_FAULT=linear_n", bad.Out);
        foreach (var name in linear)
            Assert.EndsWith(corrupted.Contains(name) ? "FAIL" : "PASS", RowOf(bad.Out, name));
        var lines = bad.Out.Split('\n');
        foreach (var name in corrupted)
        {
            int at = Array.FindIndex(lines, l => l.Contains($" {name} "));
            Assert.StartsWith("    forward y: rel L2 ", lines[at + 1]);
        }
        Assert.Contains($"failed: {string.Join(", ", corrupted)}", bad.Out);
        Assert.Matches($@"check: FAILED 3 of {linear.Count} cases on cpu \(.+\) in [0-9.]+ s \(seed 11\)", bad.Out);
    }
}
