using System.Diagnostics;
using System.Reflection;
using ILGPU;
using GpuGan.GpuCode;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// The tests' door to the production GPU code generator (GpuGan.GpuCode): the same backends and context options
/// a CUDA or OpenCL run uses, constructed without a GPU, driver or OpenCL runtime. Adds what only tests need:
/// another option set, and clang for the OpenCL C.
/// </summary>
public static class GpuBackendCompiler
{
    public enum Target { Ptx, OpenCL }

    /// <summary>
    /// Compiles one kernel and returns the PTX assembly or the OpenCL C source; throws whatever the backend
    /// throws when it rejects the kernel (usually InternalCompilerException wrapping the cause). options
    /// replaces the production context options (for the tests that show what happens without them).
    /// </summary>
    public static string Compile(Target target, MethodInfo kernel, Func<Context.Builder, Context.Builder>? options = null) =>
        target == Target.Ptx
            ? GpuCodeGenerator.Ptx(kernel, codegen: options == null ? null : b => options(b))
            : GpuCodeGenerator.OpenCL(kernel, options == null ? null : b => options(b));

    /// <summary>PTX text as a CUDA run generates it (PTX ISA 7.8 for sm_80; PtxasTests assembles it).</summary>
    public static string CompilePtx(MethodInfo kernel) => Compile(Target.Ptx, kernel);

    /// <summary>OpenCL C source as ILGPU would hand it to clBuildProgram.</summary>
    public static string CompileOpenCLSource(MethodInfo kernel) => Compile(Target.OpenCL, kernel);

    /// <summary>clang-14 or clang on the PATH, or null.</summary>
    public static readonly Lazy<string?> Clang = new(() =>
    {
        foreach (var name in new[] { "clang-14", "clang" })
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                if (dir.Length == 0) continue;
                var path = Path.Combine(dir, name);
                if (File.Exists(path)) return path;
            }
        return null;
    });

    /// <summary>
    /// Compiles OpenCL C 2.0 source for the SPIR-64 target to LLVM bitcode with clang (front end and IR
    /// generation: what a driver's compiler would reject as source is rejected here).
    /// Returns (exit code, stderr).
    /// </summary>
    public static (int ExitCode, string Stderr) ClangCompileOpenCL(string clang, string source, string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "gpugan-cl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, name + ".cl");
            File.WriteAllText(file, source);
            var psi = new ProcessStartInfo(clang)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "-x", "cl", "-cl-std=CL2.0", "-Xclang", "-finclude-default-header",
                         "-target", "spir64", "-Werror=implicit-function-declaration",
                         "-c", "-emit-llvm", "-o", Path.Combine(dir, name + ".bc"), file })
                psi.ArgumentList.Add(a);
            using var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill();
                return (-1, "clang timed out after 120 s");
            }
            return (process.ExitCode, stderr.Result);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
