using System.Diagnostics;
using System.Reflection;
using ILGPU;
using GpuGan.Device;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// Compiles kernels with ILGPU's GPU backends on a machine without a GPU, CUDA driver or OpenCL runtime:
/// the backends are constructed directly instead of through an accelerator. A kernel that runs on the CPU
/// accelerator can still be rejected here (the CPU accelerator runs the .NET IL; the GPU backends translate
/// it and refuse what they cannot express).
/// </summary>
public static class GpuBackendCompiler
{
    public enum Target { Ptx, OpenCL }

    /// <summary>
    /// A fresh context and backend for every compilation: after a rejected kernel ILGPU's context is left in
    /// a broken state (later compilations in it fail with NullReferenceException), so sharing one would let
    /// one failure cascade into unrelated test cases. The options that shape code generation come from
    /// production (ComputeDevice.GpuCodegenOptions: O2, EnableAlgorithms), so the test compiles what a
    /// CUDA/OpenCL run would. The CPU device is registered only because the context wants one; no accelerator
    /// is created and no GPU runtime is loaded.
    /// </summary>
    static Backend CreateBackend(Context context, Target target)
    {
        if (target == Target.Ptx)
            // SM 8.0 / PTX ISA 8.0 (Ampere, CUDA 12): constructing the backend needs no driver.
            return new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_80),
                CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null);
        // What a mainstream AMD or Intel OpenCL 2.0 GPU offers: generic address space and 64-bit atomics;
        // deliberately no fp64 (many consumer/integrated GPUs lack or emulate it) and no fp16 or sub-groups.
        var capabilities = new CLCapabilityContext(
            float16: false, float64: false, genericAddressSpace: true, int64_Atomics: true, subGroups: false);
        return new CLBackend(context, capabilities, CLDeviceVendor.AMD, CLCVersion.CL20);
    }

    public static bool IsImplicitlyGrouped(MethodInfo kernel)
    {
        var first = kernel.GetParameters().FirstOrDefault()?.ParameterType;
        return first == typeof(Index1D) || first == typeof(Index2D) || first == typeof(Index3D)
            || first == typeof(LongIndex1D) || first == typeof(LongIndex2D) || first == typeof(LongIndex3D);
    }

    /// <summary>
    /// Compiles one kernel and returns the PTX assembly or the OpenCL C source; throws whatever the backend
    /// throws when it rejects the kernel (usually InternalCompilerException wrapping the cause). options
    /// replaces the production context options (for the tests that show what happens without them).
    /// </summary>
    public static string Compile(Target target, MethodInfo kernel, Func<Context.Builder, Context.Builder>? options = null)
    {
        options ??= b => ComputeDevice.GpuCodegenOptions(b.CPU());
        var entry = IsImplicitlyGrouped(kernel)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        using var context = Context.Create(b => options(b));
        using var backend = CreateBackend(context, target);
        var compiled = backend.Compile(entry, KernelSpecialization.Empty);
        return target == Target.Ptx ? ((PTXCompiledKernel)compiled).PTXAssembly : ((CLCompiledKernel)compiled).Source;
    }

    /// <summary>PTX text. It cannot be assembled here (no ptxas / CUDA driver on this machine).</summary>
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
