using System.Diagnostics;
using Xunit;

namespace GpuGan.Tests.Export;

/// <summary>
/// python3 for models/check_names.py (standard library only), and a python3 that imports torch for its --torch and
/// --compare checks (Debian's python3-torch is /usr/bin/python3's, which a pyenv python3 on the PATH does not see).
/// Tests that need one are skipped, with the reason shown, where there is none.
/// </summary>
internal static class Python
{
    public static readonly string? Plain = Find("--version");
    public static readonly string? WithTorch = Find("-c", "import torch");

    public static string CheckScript => Path.Combine(Tests.RepoRoot.Path, "models", "check_names.py");

    static string? Find(params string[] probe)
    {
        foreach (var exe in new[] { "python3", "/usr/bin/python3" })
            if (TryRun(exe, probe, out var r) && r.Code == 0) return exe;
        return null;
    }

    public static (int Code, string Output) Run(string exe, params string[] args) =>
        TryRun(exe, args, out var r) ? r : throw new InvalidOperationException($"cannot start {exe}");

    /// <summary>models/check_names.py with these arguments (standard-library python).</summary>
    public static (int Code, string Output) Check(params string[] args) =>
        Run(Plain ?? throw new InvalidOperationException("no python3"), [CheckScript, .. args]);

    static bool TryRun(string exe, IEnumerable<string> args, out (int Code, string Output) result)
    {
        result = default;
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(180_000)) { p.Kill(entireProcessTree: true); return false; }
            result = (p.ExitCode, stdout + stderr.Result);
            return true;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}

/// <summary>A theory skipped where there is no python3.</summary>
public sealed class PythonTheoryAttribute : TheoryAttribute
{
    public PythonTheoryAttribute() { Skip = Python.Plain == null ? "python3 not found" : null; }
}

/// <summary>A theory skipped where no python3 imports torch.</summary>
public sealed class TorchTheoryAttribute : TheoryAttribute
{
    public TorchTheoryAttribute() { Skip = Python.WithTorch == null ? "no python3 with torch (python3 or /usr/bin/python3)" : null; }
}
