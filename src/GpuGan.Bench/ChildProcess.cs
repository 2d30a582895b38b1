using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace GpuGan.Bench;

/// <summary>Starts this same program as a child (the hidden torch-worker) and reads its JSON report.</summary>
public static class ChildProcess
{
    public static WorkerReport RunTorchWorker(BenchOptions options) => RunTorchWorker(options.WorkerArgs());

    /// <param name="workerArgs">"torch-worker", the mode and its options.</param>
    public static WorkerReport RunTorchWorker(IReadOnlyList<string> workerArgs)
    {
        var psi = SelfStartInfo();
        foreach (var a in workerArgs) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = true;   // the JSON document
        psi.RedirectStandardError = false;   // progress lines go straight to our stderr
        psi.UseShellExecute = false;

        using var child = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"torch worker exited with code {child.ExitCode}:\n{stdout}");
        // The report is the last line; anything a native library printed before it is ignored.
        string json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.StartsWith('{')) ?? throw new InvalidOperationException($"no JSON from torch worker:\n{stdout}");
        return JsonSerializer.Deserialize<WorkerReport>(json, BenchJson.Options)
            ?? throw new InvalidOperationException("empty torch worker report");
    }

    /// <summary>The apphost (GpuGan.Bench) when running under it, else <c>dotnet GpuGan.Bench.dll</c>.</summary>
    static ProcessStartInfo SelfStartInfo()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        string dll = Assembly.GetEntryAssembly()?.Location ?? "";
        var psi = new ProcessStartInfo(process);
        if (Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(dll);
        return psi;
    }
}
