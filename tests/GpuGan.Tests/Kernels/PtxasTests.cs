using GpuGan.GpuCode;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// Every kernel's PTX, generated as a CUDA run generates it (PTX ISA 7.8), assembled by NVIDIA's ptxas for
/// Ampere (sm_80) and Hopper (sm_90): no error, no spill, and no stack (local memory) in any kernel. Kernels are found by reflection, so a new kernel is covered without editing this file.
/// </summary>
public class PtxasTests(ITestOutputHelper output)
{
    public static readonly string[] Architectures = ["sm_80", "sm_90"];

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
        Assert.True(r.StackBytes == 0, $"{kernel} {arch}: {r.StackBytes} bytes of stack (local memory) per thread:\n{r.Log}");
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
