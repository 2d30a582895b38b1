using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>What ptxas -v said about one kernel.</summary>
public sealed record PtxasReport(int ExitCode, string Log, int Registers, int StackBytes, int SpillStores, int SpillLoads)
{
    public bool Assembled => ExitCode == 0;
}

/// <summary>
/// NVIDIA's PTX assembler, from GPUGAN_PTXAS or the PATH (tools/fetch-ptxas.sh fetches 11.8; .ci/run sets
/// GPUGAN_PTXAS). It needs no GPU or driver: it is the back half of what the driver's JIT does with our PTX.
/// </summary>
public static partial class Ptxas
{
    public static readonly string? Path = Find(out NotFound);

    /// <summary>Why there is no ptxas (null when there is one).</summary>
    public static readonly string? NotFound;

    /// <summary>CI sets GPUGAN_REQUIRE_PTXAS=1: there a missing ptxas fails the tests instead of skipping them.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("GPUGAN_REQUIRE_PTXAS") == "1";

    /// <summary>Skip only where ptxas is neither found nor required.</summary>
    public static string? SkipReason => Path == null && !Required ? NotFound : null;

    static string? Find(out string? notFound)
    {
        notFound = null;
        var env = Environment.GetEnvironmentVariable("GPUGAN_PTXAS");
        if (!string.IsNullOrEmpty(env))
        {
            if (File.Exists(env)) return env;
            notFound = $"GPUGAN_PTXAS={env}: no such file";
            return null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator))
            if (dir.Length > 0 && File.Exists(System.IO.Path.Combine(dir, "ptxas")))
                return System.IO.Path.Combine(dir, "ptxas");
        notFound = "ptxas not found: set GPUGAN_PTXAS or put ptxas on PATH (bash tools/fetch-ptxas.sh fetches NVIDIA's ptxas 11.8; .ci/run does)";
        return null;
    }

    /// <summary>The ptxas path; fails the test (with the reason) where there is none.</summary>
    public static string Require() => Path ?? throw new InvalidOperationException(
        (Required ? "GPUGAN_REQUIRE_PTXAS=1 but " : "") + NotFound);

    /// <summary>Assembles one PTX text for arch (e.g. sm_90) with -v and parses its resource line.</summary>
    public static PtxasReport Assemble(string ptx, string arch, string name)
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gpugan-ptxas-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var file = System.IO.Path.Combine(dir, name + ".ptx");
            File.WriteAllText(file, ptx);
            return AssembleFile(file, arch);
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }

    public static PtxasReport AssembleFile(string file, string arch)
    {
        var psi = new ProcessStartInfo(Require())
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-v", "-arch=" + arch, file, "-o", file + ".cubin" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(); return new PtxasReport(-1, "ptxas timed out after 120 s", 0, 0, 0, 0); }
        string log = output + err.Result;
        int Get(Regex r) => r.Match(log) is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;
        return new PtxasReport(p.ExitCode, log.Trim(), Get(RegistersRe()), Get(StackRe()), Get(SpillStoresRe()), Get(SpillLoadsRe()));
    }

    [GeneratedRegex(@"Used (\d+) registers")] private static partial Regex RegistersRe();
    [GeneratedRegex(@"(\d+) bytes stack frame")] private static partial Regex StackRe();
    [GeneratedRegex(@"(\d+) bytes spill stores")] private static partial Regex SpillStoresRe();
    [GeneratedRegex(@"(\d+) bytes spill loads")] private static partial Regex SpillLoadsRe();
}

/// <summary>A theory that is skipped, with the reason shown, where there is no ptxas.</summary>
public sealed class PtxasTheoryAttribute : TheoryAttribute
{
    public PtxasTheoryAttribute() { Skip = Ptxas.SkipReason; }
}

/// <summary>A fact that is skipped, with the reason shown, where there is no ptxas.</summary>
public sealed class PtxasFactAttribute : FactAttribute
{
    public PtxasFactAttribute() { Skip = Ptxas.SkipReason; }
}
