using System.Runtime.InteropServices;

namespace GpuGan.Bench;

/// <summary>The machine a benchmark ran on (for the table header and the JSON report).</summary>
public sealed record MachineInfo(string Processor, int LogicalCores, int? PhysicalCores, string Os, string DotNet, string LoadAverage)
{
    public static MachineInfo Current() => new(
        CpuInfoField("model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        int.TryParse(CpuInfoField("cpu cores"), out var c) ? c : null,
        OsName(),
        RuntimeInformation.FrameworkDescription,
        LoadAverageNow());

    /// <summary>1/5/15-minute load averages from /proc/loadavg (other work on the cores skews the figures).</summary>
    public static string LoadAverageNow() =>
        string.Join(' ', ReadLines("/proc/loadavg").FirstOrDefault()?.Split(' ').Take(3) ?? ["?"]);

    public override string ToString() =>
        $"{Processor}, {LogicalCores} logical cores{(PhysicalCores is int p ? $" ({p} physical per package)" : "")}, {Os}, {DotNet}";

    static string? CpuInfoField(string key) => ReadLines("/proc/cpuinfo")
        .Where(l => l.StartsWith(key, StringComparison.Ordinal) && l.Contains(':'))
        .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
        .FirstOrDefault();

    static string OsName()
    {
        var pretty = ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        string name = pretty?["PRETTY_NAME=".Length..].Trim('"') ?? RuntimeInformation.OSDescription;
        return $"{name} ({RuntimeInformation.OSArchitecture}, kernel {Environment.OSVersion.Version})";
    }

    /// <summary>Peak resident set size of this process (VmHWM), in KiB; 0 when unknown.</summary>
    public static long PeakRssKiB()
    {
        var line = ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var digits = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(digits, out var kib) ? kib : 0;
    }

    static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
