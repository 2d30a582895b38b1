using GpuGan.GpuCode;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// Every kernel's PTX, generated as a CUDA run generates it (PTX ISA 7.8), assembled by NVIDIA's ptxas for
/// Ampere (sm_80) and Hopper (sm_90): no error, no spill, and no stack (local memory) except where allowed by
/// name below. Kernels are found by reflection, so a new kernel is covered without editing this file.
/// </summary>
public class PtxasTests(ITestOutputHelper output)
{
    public static readonly string[] Architectures = ["sm_80", "sm_90"];

    /// <summary>
    /// Known local memory, by kernel, in bytes per thread: reported on every run until the GPU speed work
    /// (issue 10) removes it, then deleted from here. GemmSharedTiled's 4x4 accumulator array is indexed in a
    /// loop, so it lives in local memory: a local load and store around every FMA.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, int> AllowedStackBytes = new Dictionary<string, int>
    {
        ["GemmSharedTiled.Kernel"] = 64,
    };

    public static TheoryData<string, string> KernelsByArch()
    {
        var data = new TheoryData<string, string>();
        foreach (var arch in Architectures)
            foreach (var name in KernelCatalog.All.Keys) data.Add(name, arch);
        return data;
    }

    [PtxasTheory]
    [MemberData(nameof(KernelsByArch))]
    public void Assembles_without_spills_or_stack(string kernel, string arch)
    {
        var ptx = GpuCodeGenerator.Ptx(KernelCatalog.All[kernel], PtxTarget.Parse(arch));
        var r = Ptxas.Assemble(ptx, arch, GpuCodeGenerator.FileName(kernel));
        output.WriteLine($"{kernel} {arch}: {r.Registers} registers, {r.StackBytes} bytes stack, spills {r.SpillStores}/{r.SpillLoads} bytes");
        Assert.True(r.Assembled, $"ptxas -arch={arch} rejected {kernel} (exit {r.ExitCode}):\n{r.Log}");
        Assert.True(r.SpillStores == 0 && r.SpillLoads == 0, $"{kernel} {arch}: register spills ({r.SpillStores} bytes stored, {r.SpillLoads} loaded):\n{r.Log}");
        int allowed = AllowedStackBytes.GetValueOrDefault(kernel);
        Assert.True(r.StackBytes <= allowed,
            $"{kernel} {arch}: {r.StackBytes} bytes of stack (local memory) per thread, {allowed} allowed:\n{r.Log}");
        if (allowed > 0)
        {
            // An allowance that is no longer needed must be deleted, so it cannot hide a regression later.
            Assert.True(r.StackBytes == allowed, $"{kernel} {arch}: stack is now {r.StackBytes} bytes: lower or remove its allowance ({allowed})");
            output.WriteLine($"  known: {kernel} keeps {r.StackBytes} bytes of local memory per thread (allowed by name until the GPU speed work)");
        }
    }

    /// <summary>The ptxas table of every kernel, printed for the record (registers and stack per architecture).</summary>
    [PtxasFact]
    public void Resource_table()
    {
        var lines = new List<string> { $"{"kernel",-36} " + string.Join(" ", Architectures.Select(a => $"{a + " regs",9} {"stack",5}")) };
        foreach (var (name, method) in KernelCatalog.All)
        {
            var cells = new List<string>();
            foreach (var arch in Architectures)
            {
                var r = Ptxas.Assemble(GpuCodeGenerator.Ptx(method, PtxTarget.Parse(arch)), arch, GpuCodeGenerator.FileName(name));
                Assert.True(r.Assembled, $"{name} {arch}: {r.Log}");
                cells.Add($"{r.Registers,9} {r.StackBytes,5}");
            }
            lines.Add($"{name,-36} {string.Join(" ", cells)}");
        }
        output.WriteLine(string.Join(Environment.NewLine, lines));
        Assert.Equal(KernelCatalog.All.Count + 1, lines.Count);
    }

    /// <summary>The helper must be able to fail: PTX that ptxas refuses (here, a newer ISA than 11.8 knows).</summary>
    [PtxasFact]
    public void Refused_PTX_is_reported()
    {
        var ptx = GpuCodeGenerator.Ptx(KernelCatalog.All["Fill.Kernel"], PtxTarget.Parse("sm_80", "8.0"));
        Assert.Contains(".version 8.0", ptx);
        var r = Ptxas.Assemble(ptx, "sm_80", "Fill_isa80");
        output.WriteLine(r.Log);
        Assert.False(r.Assembled);
        Assert.Contains("Unsupported .version 8.0", r.Log);
    }
}
