using GpuGan.GpuCode;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Xunit;
using Xunit.Abstractions;
using static GpuGan.Tests.Kernels.GpuBackendCompiler;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// The compile helper behind BackendCompileTests is able to fail: kernels that the CPU accelerator runs are
/// rejected by a GPU backend. The class name contains BackendCompile so that the same filter runs it.
/// </summary>
public class BackendCompileRejectionTests(ITestOutputHelper output)
{
    static readonly IReadOnlyDictionary<string, System.Reflection.MethodInfo> Samples =
        KernelCatalog.Find(typeof(RejectedKernelSample).Assembly);

    [Fact]
    public void Enumeration_picks_up_kernels_of_any_assembly()
    {
        Assert.Contains("RejectedKernelSample.UnsignedToFloat", Samples.Keys);
        Assert.Contains("RejectedKernelSample.WarpShuffle", Samples.Keys);
        Assert.DoesNotContain(KernelCatalog.All.Keys, k => k.StartsWith("RejectedKernelSample."));
    }

    [Fact]
    public void The_samples_run_on_the_CPU_accelerator()
    {
        // One context per kernel: a failed compilation would leave a shared context broken.
        using (var context = Context.Create(b => b.CPU()))
        using (var cpu = context.CreateCPUAccelerator(0))
        using (var x = cpu.Allocate1D<float>(2))
        using (var bits = cpu.Allocate1D(new uint[] { 0u, 2147483648u }))
        {
            cpu.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<uint>>(RejectedKernelSample.UnsignedToFloat)(2, x.View, bits.View);
            cpu.Synchronize();
            Assert.Equal(new[] { 0f, 0.5f }, x.GetAsArray1D());
        }
        using (var context = Context.Create(b => b.CPU()))
        using (var cpu = context.CreateCPUAccelerator(0))
        using (var x = cpu.Allocate1D(new float[] { 7f, 8f, 9f, 10f }))
        {
            cpu.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>>(RejectedKernelSample.WarpShuffle)(4, x.View);
            cpu.Synchronize();
            Assert.Equal(7f, x.GetAsArray1D()[0]);
        }
    }

    [Fact]
    public void Unsigned_to_float_is_rejected_by_OpenCL_without_fp64()
    {
        var kernel = Samples["RejectedKernelSample.UnsignedToFloat"];
        Assert.Contains("cvt.rn.f64.u32", CompilePtx(kernel)); // the detour through double, accepted by PTX
        var e = Assert.ThrowsAny<Exception>(() => CompileOpenCLSource(kernel));
        Assert.Contains("CapabilityNotSupportedException: Float64 (double) type is not supported on this device.", Describe(e));
        output.WriteLine($"OpenCL: {Describe(e)}");
    }

    [Fact]
    public void Warp_shuffle_is_rejected_by_OpenCL_without_sub_groups()
    {
        var kernel = Samples["RejectedKernelSample.WarpShuffle"];
        Assert.Contains("shfl.sync", CompilePtx(kernel));
        var e = Assert.ThrowsAny<Exception>(() => CompileOpenCLSource(kernel));
        Assert.Contains("InvalidCodeGenerationException", Describe(e));
        output.WriteLine($"OpenCL: {Describe(e)}");
    }

    /// <summary>
    /// The context options matter too: without EnableAlgorithms (as ComputeDevice.Create had it) XMath.Exp has
    /// no PTX implementation, while the CPU accelerator runs the managed XMath code.
    /// </summary>
    [Fact]
    public void PTX_rejects_XMath_Exp_without_EnableAlgorithms()
    {
        var kernel = KernelCatalog.All["ActivationForward.Kernel"];
        var e = Assert.ThrowsAny<Exception>(() =>
            Compile(Target.Ptx, kernel, b => b.CPU().Optimize(OptimizationLevel.O2)));
        Assert.Contains("NotSupportedIntrinsicException", Describe(e));
        Assert.Contains("'ExpF'", Describe(e));
        output.WriteLine($"PTX without EnableAlgorithms: {Describe(e)}");
        Assert.Contains(".entry", CompilePtx(kernel)); // with the production options it compiles
    }

    /// <summary>The clang step can fail too: invalid OpenCL C gives a non-zero exit and the diagnostic.</summary>
    [Fact]
    public void Clang_rejects_invalid_OpenCL_C()
    {
        if (Clang.Value is not { } clang)
        {
            output.WriteLine("clang not on PATH: OpenCL C is generated but not compiled");
            return;
        }
        var (exit, stderr) = ClangCompileOpenCL(clang, "kernel void k(global float* x) { x[0] = no_such_function(1.0f); }", "invalid");
        Assert.NotEqual(0, exit);
        Assert.Contains("no_such_function", stderr);
    }

    /// <summary>The exception chain, outermost first (ILGPU wraps the cause in InternalCompilerException).</summary>
    static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x != null; x = x.InnerException)
            parts.Add($"{x.GetType().Name}: {x.Message}");
        return string.Join(" <- ", parts);
    }
}
