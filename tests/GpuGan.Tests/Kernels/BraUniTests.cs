using GpuGan.GpuCode;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// PTX leaves a <c>bra.uni</c> undefined when the threads of a warp disagree on its predicate. ILGPU 1.5.3's O2
/// uniformity analysis took the Index1D kernel parameter for warp-uniform and so marked branches on it uniform
/// (104 predicated bra.uni in our kernels before the fix). Production kernels read their position through
/// ThreadIndex.Global instead; this guards that no kernel's generated PTX has a thread-dependent uniform branch.
/// </summary>
public class BraUniTests(ITestOutputHelper output)
{
    public static TheoryData<string> KernelNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in KernelCatalog.All.Keys) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void No_thread_dependent_uniform_branch(string kernel)
    {
        var ptx = GpuCodeGenerator.Ptx(KernelCatalog.All[kernel]);
        var findings = PtxDivergence.DivergentUniformBranches(ptx);
        int uniformBranches = ptx.Split('\n').Count(l => l.Contains("bra.uni") && l.TrimStart().StartsWith('@'));
        output.WriteLine($"{kernel}: {uniformBranches} predicated bra.uni, {findings.Count} on a thread-dependent predicate");
        Assert.True(findings.Count == 0,
            $"{kernel}: uniform branches on thread-dependent predicates:\n{string.Join("\n", findings.Select(f => $"  line {f.Line}: {f.Instruction}"))}");
    }

    /// <summary>The analysis can fail: the Index1D parameter read directly still gives divergent bra.uni.</summary>
    [Fact]
    public void Index_parameter_read_directly_is_flagged()
    {
        var direct = GpuCodeGenerator.Ptx(typeof(DivergentBranchSample).GetMethod(nameof(DivergentBranchSample.IndexParameter))!);
        var viaGrid = GpuCodeGenerator.Ptx(typeof(DivergentBranchSample).GetMethod(nameof(DivergentBranchSample.GlobalIndex))!);
        var flagged = PtxDivergence.DivergentUniformBranches(direct);
        foreach (var f in flagged) output.WriteLine($"IndexParameter line {f.Line}: {f.Instruction}");
        Assert.NotEmpty(flagged);
        Assert.Empty(PtxDivergence.DivergentUniformBranches(viaGrid));
    }

    [Fact]
    public void Analysis_follows_data_and_predicates()
    {
        const string ptx = """
            mov.u32 %r1, %tid.x;
            add.s32 %r2, %r1, 4;
            mov.u32 %r9, %ctaid.x;
            setp.ge.s32 %p1, %r2, %r9;
            setp.ge.s32 %p2, %r9, 7;
            @%p1 mov.u32 %r5, 1;
            setp.eq.s32 %p3, %r5, 0;
            @%p2 bra.uni L_1;
            @%p1 bra.uni L_2;
            @!%p3 bra.uni L_3;
            @%p1 bra L_4;
            """;
        var f = PtxDivergence.DivergentUniformBranches(ptx);
        Assert.Equal([9, 10], f.Select(x => x.Line));
    }
}
