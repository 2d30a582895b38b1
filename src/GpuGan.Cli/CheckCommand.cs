using System.Diagnostics;
using System.Globalization;
using GpuGan.Check;

using GpuGan.Options;

namespace GpuGan.Cli;

/// <summary>
/// gpugan check: the operator table of the tests run on one device, every case against float64 references
/// (forward) and central finite differences (gradients), one row per case as it finishes, then one verdict line.
/// </summary>
public static class CheckCommand
{
    /// <summary>Fault injection to prove the check can fail (see <see cref="CheckOptions.CorruptCase"/>): a case-name substring.</summary>
    public const string FaultVariable = "GPUGAN_CHECK_FAULT";

    public static readonly OptionSpec[] Specs =
    [
        new("device", "NAME", "auto", "auto, cpu, cuda[:N] or opencl[:N] (auto: CUDA, else an OpenCL GPU, else the CPU)"),
        new("quick", null, "", $"{OpCases.Quick.Count} of the {OpCases.All.Count} cases: those the GPU-family tests run, one per other op kind, DCGAN's shapes"),
        new("filter", "TEXT", "", "only the cases whose name contains TEXT (case-insensitive)"),
        new("seed", "N", "fresh each run", "base seed of the random inputs; the same N as GPUGAN_TEST_SEED in the tests gives the same inputs"),
        DeviceOptions.Threads,
        new("cpu-kernels", "KIND", "simd", "on the CPU accelerator: simd (host SIMD variants) or ilgpu (ILGPU's CPU kernels only)"),
        new("help", null, "", "show this help"),
    ];

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, CancellationToken stop)
    {
        var o = ParsedOptions.Parse("check", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan check [options]",
                "Checks every kernel on a device: forward against float64 references, gradients against finite differences.\n" +
                $"Exit code 0 when every case passes, 1 when one fails. {FaultVariable}=TEXT corrupts the results of the cases\n" +
                "whose name contains TEXT, to see a failure reported.", Specs));
            return 0;
        }
        bool quick = o.Has("quick");
        IEnumerable<OpCase> selected = quick ? OpCases.Quick : OpCases.All;
        string? filter = o.String("filter");
        if (filter != null) selected = selected.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase));
        var cases = selected.ToList();
        if (cases.Count == 0)
            throw new UsageException($"check: --filter '{filter}' matches no case{(quick ? " of --quick" : "")} (case names look like {OpCases.All[0].Name})");
        int baseSeed = o.Int("seed") ?? CheckSeed.Fresh();
        var options = new CheckOptions { CorruptCase = Environment.GetEnvironmentVariable(FaultVariable) is { Length: > 0 } f ? f : null };

        using var device = DeviceOptions.Create(o, profiling: false);
        string what = quick ? "--quick " : "";
        stdout.WriteLine($"check: {cases.Count} {what}cases of the operator table on {device}");
        stdout.WriteLine($"kernels: {DeviceSummary.Kernels(device)}");
        DeviceOptions.WriteFallback(device, stdout);
        stdout.WriteLine($"seed: {baseSeed} (reproduce with --seed {baseSeed}; GPUGAN_TEST_SEED={baseSeed} in the tests)");
        stdout.WriteLine($"pass: forward rel L2 <= {OpHarness.ForwardTolerance:0e+0} against float64, gradients rel L2 <= {OpHarness.GradientTolerance:0e+0} against finite differences");
        if (options.CorruptCase != null)
            stdout.WriteLine($"fault injection: {FaultVariable}={options.CorruptCase}: one output element of every case named *{options.CorruptCase}* is corrupted on purpose");
        stdout.WriteLine();

        int nameWidth = Math.Max(4, cases.Max(c => c.Name.Length)), shapeWidth = Math.Max(5, cases.Max(c => c.Shape.Length));
        string Row(string op, string name, string shape, string fwd, string grad, string secs, string verdict) =>
            $"{op,-15}  {name.PadRight(nameWidth)}  {shape.PadRight(shapeWidth)}  {fwd,9}  {grad,9}  {secs,7}  {verdict}";
        stdout.WriteLine(Row("op", "case", "shape", "forward", "gradient", "s", "result"));
        stdout.Flush();

        var clock = Stopwatch.StartNew();
        var failed = new List<string>();
        int done = 0;
        foreach (var c in cases)
        {
            if (stop.IsCancellationRequested) break;
            var r = OpHarness.CheckCatching(device, c, baseSeed, options);
            done++;
            stdout.WriteLine(Row(c.Op.ToString(), c.Name, c.Shape, Error(r.Forward), Error(r.Gradient),
                r.Seconds.ToString("F3", Inv), r.Passed ? "PASS" : "FAIL"));
            if (!r.Passed)
            {
                failed.Add(c.Name);
                stdout.WriteLine($"    {r.Failures[0]}{(r.Failures.Count > 1 ? $" (and {r.Failures.Count - 1} more)" : "")}");
            }
            stdout.Flush();
        }

        string seconds = clock.Elapsed.TotalSeconds.ToString("F1", Inv);
        if (done < cases.Count)
        {
            stdout.WriteLine($"check: stopped after {done} of {cases.Count} cases ({failed.Count} failed) on {device} in {seconds} s");
            return 130;
        }
        if (failed.Count == 0)
        {
            stdout.WriteLine($"check: {cases.Count} of {cases.Count} cases passed on {device} in {seconds} s");
            return 0;
        }
        stdout.WriteLine($"failed: {string.Join(", ", failed)}");
        stdout.WriteLine($"check: FAILED {failed.Count} of {cases.Count} cases on {device} in {seconds} s (seed {baseSeed})");
        return 1;
    }

    /// <summary>The relative error a row shows: "-" where nothing was compared (a forward-only op's gradient, a run that threw).</summary>
    static string Error(ErrorSummary? e) => e is not { } v ? "-"
        : double.IsFinite(v.RelativeError) ? v.RelativeError.ToString("0.0e+00", Inv)
        : "nonfinite";
}
