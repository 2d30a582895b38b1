using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GpuGan.Bench;

/// <summary>
/// The PyTorch peers of the GPU benchmarks: a script of tools/ (gemm_torch.py, dcgan_torch.py) run by python3
/// (<c>GPUGAN_PYTHON</c> overrides the interpreter, <c>GPUGAN_TOOLS</c> the folder). A script that finds no torch or
/// no CUDA device exits with code 3 and one line saying so; that line becomes the reason no peer figure is shown.
/// </summary>
public static class PythonPeer
{
    /// <summary>What a script run gave: the JSON after its last "json: " line, or the problem in one line.</summary>
    public sealed record Result(string? Json, string? Problem, string Output);

    public static string Python => Environment.GetEnvironmentVariable("GPUGAN_PYTHON") is { Length: > 0 } p ? p : "python3";

    /// <summary>tools/ of the checkout or of the GPU-check package: $GPUGAN_TOOLS, else the first tools/ holding
    /// <paramref name="script"/> above the program's folder or the current directory.</summary>
    public static string? FindScript(string script)
    {
        if (Environment.GetEnvironmentVariable("GPUGAN_TOOLS") is { Length: > 0 } tools)
            return File.Exists(Path.Combine(tools, script)) ? Path.Combine(tools, script) : null;
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "tools", script)))
                    return Path.Combine(dir.FullName, "tools", script);
        return null;
    }

    public static Result Run(string script, IReadOnlyList<string> args, int timeoutSeconds)
    {
        string? path = FindScript(script);
        if (path is null) return new Result(null, $"tools/{script} not found (set GPUGAN_TOOLS to the folder holding it)", "");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        Process child;
        try { child = Process.Start(psi) ?? throw new Win32Exception("no process"); }
        catch (Win32Exception e) { return new Result(null, $"{Python} not found ({e.Message})", ""); }
        using (child)
        {
            var stderr = child.StandardError.ReadToEndAsync();
            var stdout = child.StandardOutput.ReadToEndAsync();
            if (!child.WaitForExit(timeoutSeconds * 1000))
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                return new Result(null, $"{script} timed out after {timeoutSeconds} s", stdout.Result + stderr.Result);
            }
            string output = stdout.Result + stderr.Result;
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string last = lines.LastOrDefault(l => !l.StartsWith("Traceback", StringComparison.Ordinal)) ?? "";
            if (child.ExitCode != 0)
                return new Result(null, child.ExitCode == 3 ? last : $"{script} exited with code {child.ExitCode}: {last}", output);
            string? json = lines.LastOrDefault(l => l.StartsWith("json: ", StringComparison.Ordinal))?[6..];
            return json is null ? new Result(null, $"{script} printed no 'json: ' line", output) : new Result(json, null, output);
        }
    }
}

/// <summary>Raw little-endian float32 arrays, no header (numpy: <c>np.fromfile(path, '&lt;f4')</c>): how the GEMM
/// peer's inputs and outputs cross to and from python.</summary>
public static class RawFloats
{
    public static void Write(string path, ReadOnlySpan<float> values)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("raw files are little-endian float32");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(MemoryMarshal.AsBytes(values));
    }

    public static float[] Read(string path, long count)
    {
        long bytes = new FileInfo(path).Length;
        if (bytes != count * sizeof(float))
            throw new InvalidOperationException($"{path}: {bytes} bytes, expected {count} float32 values");
        var values = new float[count];
        using var file = File.OpenRead(path);
        file.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
