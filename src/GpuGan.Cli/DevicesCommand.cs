using GpuGan.Device;
using GpuGan.Options;

namespace GpuGan.Cli;

/// <summary>gpugan devices: every accelerator found, which one auto picks, and why others are skipped.</summary>
public static class DevicesCommand
{
    public static readonly OptionSpec[] Specs = [new("help", null, "", "show this help")];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var o = ParsedOptions.Parse("devices", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan devices",
                "Lists the accelerators ILGPU finds (CUDA, OpenCL, the CPU), which one --device auto picks, and why others are skipped.", Specs));
            return 0;
        }
        var devices = ComputeDevice.ListDevices();
        stdout.WriteLine($"{"id",-10} {"name",-40} {"type",-28} {"memory",10} {"warp",5} {"group",6}  status");
        foreach (var d in devices)
        {
            string status = d.ChosenByAuto ? "chosen by --device auto" : d.Usable ? "usable" : "skipped";
            if (d.SkipReason != null) status += $": {d.SkipReason}";
            string mem = d.MemoryBytes > 0 ? $"{d.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB" : "-";
            stdout.WriteLine($"{d.Id,-10} {Trim(d.Name, 40),-40} {Trim(d.Type, 28),-28} {mem,10} {d.WarpSize,5} {d.MaxGroupSize,6}  {status}");
        }
        return 0;
    }

    static string Trim(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
