using System.Reflection;
using GpuGan.Device;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuGan.GpuCode;

/// <summary>
/// A PTX target: the SM architecture handed to ILGPU (it writes <c>.target</c> as the lowest architecture with
/// the kernel's capabilities, sm_80 for ours, whatever newer one is asked for) and the PTX ISA written in
/// <c>.version</c>. ISA 7.8 is the newest that ptxas 11.8 (Debian's CUDA toolkit) accepts; any newer driver JITs it.
/// </summary>
public sealed record PtxTarget(string Arch, string Isa)
{
    public static readonly PtxTarget Default = new("sm_80", "7.8");

    public CudaArchitecture Architecture =>
        Field<CudaArchitecture>("SM_" + Digits(Arch, "sm_"), $"unknown architecture '{Arch}' (expected e.g. sm_80 or sm_90)");

    public CudaInstructionSet InstructionSet =>
        Field<CudaInstructionSet>("ISA_" + Isa.Replace(".", ""), $"unknown PTX ISA '{Isa}' (expected e.g. 7.8 or 8.0)");

    public static PtxTarget Parse(string arch, string? isa = null)
    {
        var t = new PtxTarget(arch.Trim().ToLowerInvariant(), isa ?? Default.Isa);
        _ = t.Architecture;
        _ = t.InstructionSet;
        return t;
    }

    static string Digits(string s, string prefix) =>
        s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? s[prefix.Length..] : s;

    static T Field<T>(string name, string error) =>
        typeof(T).GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is T v
            ? v
            : throw new ArgumentException(error);
}

/// <summary>
/// Generates the PTX or OpenCL C of a kernel the way a CUDA or OpenCL run would, on any machine: the backends
/// are constructed directly, so no GPU, driver or OpenCL runtime is needed. A kernel that runs on the CPU
/// accelerator can still be rejected here (the CPU runs the IL; the GPU backends translate it).
/// </summary>
public static class GpuCodeGenerator
{
    /// <summary>
    /// The PTX of one kernel. A fresh context per kernel: after a rejected kernel ILGPU's context is left broken,
    /// and later compilations in it would fail too. <paramref name="codegen"/> replaces the production options
    /// (ComputeDevice.GpuCodegenOptions), for tests that show what other options would generate.
    /// </summary>
    public static string Ptx(MethodInfo kernel, PtxTarget? target = null, Func<Context.Builder, Context.Builder>? codegen = null)
    {
        target ??= PtxTarget.Default;
        using var context = Context.Create(b => (codegen ?? ComputeDevice.GpuCodegenOptions)(b.CPU()));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(target.Architecture),
            target.Architecture, target.InstructionSet, null);
        return ((PTXCompiledKernel)backend.Compile(EntryPoint(kernel), KernelSpecialization.Empty)).PTXAssembly;
    }

    /// <summary>
    /// The OpenCL C source of one kernel for what a mainstream AMD or Intel OpenCL 2.0 GPU offers: the generic
    /// address space and 64-bit atomics; no fp64 (many consumer GPUs lack it), fp16 or sub-groups.
    /// </summary>
    public static string OpenCL(MethodInfo kernel, Func<Context.Builder, Context.Builder>? codegen = null)
    {
        using var context = Context.Create(b => (codegen ?? ComputeDevice.GpuCodegenOptions)(b.CPU()));
        var capabilities = new CLCapabilityContext(
            float16: false, float64: false, genericAddressSpace: true, int64_Atomics: true, subGroups: false);
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.AMD, CLCVersion.CL20);
        return ((CLCompiledKernel)backend.Compile(EntryPoint(kernel), KernelSpecialization.Empty)).Source;
    }

    static EntryPointDescription EntryPoint(MethodInfo kernel) =>
        KernelCatalog.IsImplicitlyGrouped(kernel)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);

    /// <summary>Writes DIR/&lt;kernel&gt;.ptx for every kernel (or those whose name contains filter); returns the files.</summary>
    public static IReadOnlyList<string> WritePtx(string dir, PtxTarget target, string? filter = null)
    {
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        foreach (var (name, method) in KernelCatalog.All)
        {
            if (filter != null && !name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            string file = Path.Combine(dir, FileName(name) + ".ptx");
            File.WriteAllText(file, Ptx(method, target));
            files.Add(file);
        }
        return files;
    }

    /// <summary>A file name for a kernel name (overload parentheses and commas become safe characters).</summary>
    public static string FileName(string kernel) =>
        new(kernel.Select(ch => char.IsLetterOrDigit(ch) || ch is '.' or '_' or '-' ? ch : '_').ToArray());
}
