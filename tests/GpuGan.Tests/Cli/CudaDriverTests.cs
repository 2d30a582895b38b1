using System.Diagnostics;
using GpuGan.Device;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Cli;

/// <summary>
/// The driver library as GPU containers ship it: only libcuda.so.1. A stand-in driver (C, built with gcc) whose
/// cuInit logs each call and answers CUDA_ERROR_NO_DEVICE shows that ILGPU reaches libcuda.so.1 through our
/// resolver (its cuInit call is logged too) and that `gpugan devices` gives the driver's own answer in one line.
/// Run as a child process: the library path is read when a process starts.
/// </summary>
public class CudaDriverTests(ITestOutputHelper output)
{
    const string StandIn = """
        #include <stdio.h>
        #include <stdlib.h>
        static void log_call(const char* name) {
            const char* p = getenv("GPUGAN_STANDIN_LOG");
            FILE* f = p ? fopen(p, "a") : NULL;
            if (f) { fprintf(f, "%s\n", name); fclose(f); }
        }
        int cuInit(unsigned flags) { log_call("cuInit"); return 100; }
        int cuDriverGetVersion(int* v) { *v = 12040; return 0; }
        int cuDeviceGetCount(int* n) { *n = 0; return 100; }
        int cuGetErrorName(int e, const char** s) { *s = e == 100 ? "CUDA_ERROR_NO_DEVICE" : "CUDA_ERROR_UNKNOWN"; return 0; }
        """;

    [Fact]
    public void Without_any_driver_devices_says_so()
    {
        // This machine class has no NVIDIA driver; where one is installed the probe must find it instead.
        var (reason, version, devices) = CudaDriver.Probe();
        output.WriteLine($"probe: {reason ?? $"driver {CudaDriver.VersionText(version)}, {devices} device(s)"}");
        if (reason == null) { Assert.True(devices > 0); return; }
        Assert.DoesNotContain('\n', reason);
        var lines = new StringWriter();
        Assert.Equal(0, GpuGan.Cli.Program.Run(["devices"], lines, TextWriter.Null, CancellationToken.None));
        Assert.Contains(reason, lines.ToString());
    }

    [Fact]
    public void Only_libcuda_so_1_is_found_and_its_error_is_reported()
    {
        var gcc = FindOnPath("gcc") ?? FindOnPath("cc");
        if (gcc == null) { output.WriteLine("no C compiler on PATH: stand-in driver not built"); return; }
        var dir = Path.Combine(Path.GetTempPath(), "gpugan-libcuda-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "standin.c"), StandIn);
            var (rc, _, err) = Run(gcc, ["-shared", "-fPIC", "-o", Path.Combine(dir, "libcuda.so.1"), Path.Combine(dir, "standin.c")], null);
            Assert.True(rc == 0, $"gcc failed: {err}");
            string log = Path.Combine(dir, "calls.log");
            var env = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = dir, ["GPUGAN_STANDIN_LOG"] = log };
            var cli = typeof(GpuGan.Cli.Program).Assembly.Location;
            var (code, stdout, stderr) = Run("dotnet", [cli, "devices"], env);
            output.WriteLine(stdout + stderr);
            Assert.Equal(0, code);
            var cudaRow = stdout.Split('\n').Single(l => l.StartsWith("cuda "));
            Assert.Contains("the CUDA driver (libcuda.so.1) failed to initialise: cuInit returned 100 (CUDA_ERROR_NO_DEVICE)", cudaRow);
            // One cuInit from ILGPU (through the resolver: there is no libcuda.so), one from the probe.
            var calls = File.ReadAllLines(log);
            Assert.Equal(["cuInit", "cuInit"], calls);
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }

    static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    static (int Code, string Stdout, string Stderr) Run(string file, string[] args, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(); return (-1, stdout, "timed out"); }
        return (p.ExitCode, stdout, err.Result);
    }
}
