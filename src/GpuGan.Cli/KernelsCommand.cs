using GpuGan.GpuCode;

using GpuGan.Options;
using GpuGan.Text;

namespace GpuGan.Cli;

/// <summary>
/// gpugan kernels: lists every kernel; with --ptx DIR writes each one's PTX (one file per kernel, named after
/// it), exactly as a CUDA run would generate it, so anyone can inspect it or assemble it with ptxas.
/// </summary>
public static class KernelsCommand
{
    public static readonly OptionSpec[] Specs =
    [
        new("ptx", "DIR", "-", "write DIR/<Class.Method>.ptx for every kernel"),
        new("arch", "SM", PtxTarget.Default.Arch, "CUDA architecture the PTX is generated for (sm_80, sm_86, sm_89, sm_90, ...)"),
        new("isa", "X.Y", PtxTarget.Default.Isa, "PTX ISA version in .version (7.8 is the newest ptxas 11.8 accepts)"),
        new("filter", "TEXT", "all", "only kernels whose name contains TEXT"),
        new("help", null, "", "show this help"),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var o = ParsedOptions.Parse("kernels", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan kernels [--ptx DIR [--arch SM] [--isa X.Y]] [--filter TEXT]",
                "Lists the kernels; --ptx writes each kernel's PTX as a CUDA run generates it.", Specs));
            return 0;
        }
        string? filter = o.String("filter");
        var names = KernelCatalog.All.Keys.Where(k => filter == null || k.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (names.Count == 0) throw new UsageException($"kernels: no kernel name contains '{filter}'");
        string? dir = o.String("ptx");
        if (dir == null)
        {
            if (o.Has("arch") || o.Has("isa")) throw new UsageException("kernels: --arch and --isa need --ptx DIR");
            foreach (var name in names)
                stdout.WriteLine($"{name,-48} {(KernelCatalog.IsImplicitlyGrouped(KernelCatalog.All[name]) ? "implicitly grouped (Index)" : "explicitly grouped (Group/Grid)")}");
            stdout.WriteLine(Count.Of(names.Count, "kernel"));
            return 0;
        }
        if (Data.OutputPath.FolderProblem(dir) is { } problem) throw new UsageException($"kernels: --ptx {dir} {problem}");
        PtxTarget target;
        try { target = PtxTarget.Parse(o.String("arch") ?? PtxTarget.Default.Arch, o.String("isa")); }
        catch (ArgumentException e) { throw new UsageException($"kernels: {e.Message}"); }
        var files = GpuCodeGenerator.WritePtx(dir, target, filter);
        foreach (var f in files) stdout.WriteLine($"{f}  {new FileInfo(f).Length,8} bytes");
        stdout.WriteLine($"{files.Count} PTX files for {target.Arch}, PTX ISA {target.Isa}, in {dir}");
        return 0;
    }
}
