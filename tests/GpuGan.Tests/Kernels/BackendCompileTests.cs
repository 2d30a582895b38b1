using System.Reflection;
using GpuGan.GpuCode;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;
using Xunit;
using Xunit.Abstractions;
using static GpuGan.Tests.Kernels.GpuBackendCompiler;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// Every kernel in GpuGan.Kernels must compile for the GPU backends: PTX (CUDA) and OpenCL C, the latter
/// also through clang when it is installed. No GPU is needed. The kernels are found by reflection, so a new
/// kernel is covered without editing this file.
/// PTX is assembled by ptxas in PtxasTests.
/// </summary>
public class BackendCompileTests(ITestOutputHelper output)
{
    static IReadOnlyDictionary<string, MethodInfo> Kernels => KernelCatalog.All;

    public static TheoryData<string> KernelNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Kernels.Keys) data.Add(name);
        return data;
    }

    [Fact]
    public void Enumeration_finds_the_known_kernels()
    {
        string[] known =
        [
            "GemmRegisterTiled.Kernel", "GemmSharedTiled.Kernel", "Im2Col.Kernel", "Col2Im.Kernel",
            "BatchNormForward.PerThread", "BatchNormForward.PerGroup", "BatchNormBackward.PerThread", "BatchNormBackward.PerGroup",
            "ChannelSum.PerThread", "ChannelSum.PerGroup", "AddChannelBias.Kernel",
            "ActivationForward.Kernel", "ActivationBackward.Kernel", "LossAndMean.PerThread", "LossAndMean.PerGroup", "NoiseFill.Kernel",
        ];
        var missing = known.Where(k => !Kernels.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0,
            $"not enumerated: {string.Join(", ", missing)}; found: {string.Join(", ", Kernels.Keys)}");
        Assert.True(Kernels.Count >= 24, $"only {Kernels.Count} kernels found: {string.Join(", ", Kernels.Keys)}");
        // Helpers are not kernels: GroupReduce.Sum returns a value, Philox.Block takes no view.
        Assert.DoesNotContain("GroupReduce.Sum", Kernels.Keys);
        Assert.DoesNotContain("Philox.Block", Kernels.Keys);
        // Explicitly grouped kernels take no index; the rest take one first.
        Assert.False(KernelCatalog.IsImplicitlyGrouped(Kernels["GemmSharedTiled.Kernel"]));
        Assert.False(KernelCatalog.IsImplicitlyGrouped(Kernels["BatchNormForward.PerGroup"]));
        Assert.True(KernelCatalog.IsImplicitlyGrouped(Kernels["GemmRegisterTiled.Kernel"]));
        output.WriteLine($"{Kernels.Count} kernels: {string.Join(", ", Kernels.Keys)}");
    }

    [Fact]
    public void Kernels_are_not_generic_and_index_only_comes_first()
    {
        foreach (var (name, m) in Kernels)
        {
            Assert.False(m.ContainsGenericParameters, $"{name}: open generic kernels cannot be compiled as they stand");
            var indexLater = m.GetParameters().Skip(1).Any(p => p.ParameterType == typeof(Index1D)
                || p.ParameterType == typeof(Index2D) || p.ParameterType == typeof(Index3D));
            Assert.False(indexLater, $"{name}: an index parameter after the first one");
        }
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Compiles_to_PTX(string kernel)
    {
        var ptx = CompilePtx(Kernels[kernel]);
        Assert.Contains(".entry", ptx);
        Assert.Contains(".target sm_80", ptx);
        output.WriteLine($"{kernel}: {ptx.Length} characters of PTX (assembled in PtxasTests)");
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Compiles_to_OpenCL_C(string kernel)
    {
        var source = CompileOpenCLSource(Kernels[kernel]);
        Assert.Contains("kernel void", source);
        var clang = Clang.Value;
        if (clang == null)
        {
            output.WriteLine($"{kernel}: OpenCL C generated ({source.Length} characters); clang not on PATH, not compiled");
            return;
        }
        var (exit, stderr) = ClangCompileOpenCL(clang, source, kernel.Replace('.', '_'));
        Assert.True(exit == 0, $"{Path.GetFileName(clang)} rejected the OpenCL C of {kernel} (exit {exit}):\n{stderr}\n--- source ---\n{source}");
        output.WriteLine($"{kernel}: OpenCL C compiled by {Path.GetFileName(clang)} for spir64"
            + (stderr.Length > 0 ? $"; warnings:\n{stderr}" : ""));
    }
}
