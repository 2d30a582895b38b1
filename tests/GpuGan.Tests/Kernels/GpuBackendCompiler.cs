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

    // One context and one backend per target for the whole test run. Compilation goes through the lock:
    // test classes run in parallel and a backend is not documented as thread-safe.
    static readonly object Gate = new();
    static Context? context;
    static PTXBackend? ptx;
    static CLBackend? openCl;

    /// <summary>
    /// The options that shape code generation come from production (ComputeDevice.GpuCodegenOptions: O2,
    /// EnableAlgorithms), so the test compiles what a CUDA/OpenCL run would. The CPU device is registered only
    /// because the context wants one; no accelerator is created and no GPU runtime is loaded.
    /// </summary>
    static void EnsureCreated()
    {
        if (context != null) return;
        context = Context.Create(b => ComputeDevice.GpuCodegenOptions(b.CPU()));
        // SM 8.0 / PTX ISA 8.0 (Ampere, CUDA 12): constructing the backend needs no driver.
        ptx = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_80),
            CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null);
        // What a mainstream AMD or Intel OpenCL 2.0 GPU offers: generic address space and 64-bit atomics;
        // deliberately no fp64 (many consumer/integrated GPUs lack or emulate it) and no fp16 or sub-groups.
        var capabilities = new CLCapabilityContext(
            float16: false, float64: false, genericAddressSpace: true, int64_Atomics: true, subGroups: false);
        openCl = new CLBackend(context, capabilities, CLDeviceVendor.AMD, CLCVersion.CL20);
    }

    public static bool IsImplicitlyGrouped(MethodInfo kernel)
    {
        var first = kernel.GetParameters().FirstOrDefault()?.ParameterType;
        return first == typeof(Index1D) || first == typeof(Index2D) || first == typeof(Index3D)
            || first == typeof(LongIndex1D) || first == typeof(LongIndex2D) || first == typeof(LongIndex3D);
    }

    /// <summary>Compiles one kernel; throws whatever the backend throws when it rejects the kernel.</summary>
    public static CompiledKernel Compile(Target target, MethodInfo kernel)
    {
        var entry = IsImplicitlyGrouped(kernel)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        lock (Gate)
        {
            EnsureCreated();
            Backend backend = target == Target.Ptx ? ptx! : openCl!;
            return backend.Compile(entry, KernelSpecialization.Empty);
        }
    }

    /// <summary>PTX text. It cannot be assembled here (no ptxas / CUDA driver on this machine).</summary>
    public static string CompilePtx(MethodInfo kernel)
    {
        var compiled = (PTXCompiledKernel)Compile(Target.Ptx, kernel);
        return compiled.PTXAssembly;
    }

    /// <summary>OpenCL C source as ILGPU would hand it to clBuildProgram.</summary>
    public static string CompileOpenCLSource(MethodInfo kernel)
    {
        var compiled = (CLCompiledKernel)Compile(Target.OpenCL, kernel);
        return compiled.Source;
    }

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
