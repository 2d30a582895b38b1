using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GpuGan.Profiling;

/// <summary>One row of the profile table: all launches of one kernel (or all of one host span / section).</summary>
public sealed record ProfileRow(string Kind, string Name, int Count, double TotalMs, double MeanMs, double MedianMs, double SharePercent,
    double Flops, double Bytes, double GflopPerS, double GbPerS);

/// <summary>Per-kernel, per-section and per-host-span totals over the profiled steps, with the measured step time.</summary>
public sealed class ProfileReport
{
    public required string Device { get; init; }
    public required int Steps { get; init; }
    public required double StepMedianMs { get; init; }
    public required double StepTotalMs { get; init; }
    public required IReadOnlyList<ProfileRow> Kernels { get; init; }
    public required IReadOnlyList<ProfileRow> Sections { get; init; }
    public required IReadOnlyList<ProfileRow> HostSpans { get; init; }

    public double KernelMs => Kernels.Sum(r => r.TotalMs);
    public double HostMs => HostSpans.Sum(r => r.TotalMs);
    /// <summary>(kernel + host spans) / stopwatch step time: near 1 when nothing untimed happens.</summary>
    public double Coverage => StepTotalMs > 0 ? (KernelMs + HostMs) / StepTotalMs : 0;

    public static ProfileReport Build(StepProfiler p, string device)
    {
        double stepTotal = p.StepMilliseconds.Sum();
        var kernels = Rows("kernel", p.Events.Where(e => e.Kind == ProfileEventKind.Kernel).GroupBy(e => e.Name), stepTotal);
        // A section's time is the kernel time launched inside it (sections nest, so their wall times overlap).
        var sections = Rows("section", p.Events.Where(e => e.Kind == ProfileEventKind.Kernel).GroupBy(e => e.Section), stepTotal);
        var hosts = Rows("host", p.Events.Where(e => e.Kind == ProfileEventKind.Host).GroupBy(e => e.Name), stepTotal);
        var sorted = p.StepMilliseconds.OrderBy(x => x).ToArray();
        return new ProfileReport
        {
            Device = device, Steps = p.StepMilliseconds.Count, StepTotalMs = stepTotal,
            StepMedianMs = sorted.Length == 0 ? 0 : Median(sorted),
            Kernels = kernels, Sections = sections, HostSpans = hosts,
        };
    }

    static List<ProfileRow> Rows(string kind, IEnumerable<IGrouping<string, ProfileEvent>> groups, double stepTotal) =>
        groups.Select(g =>
        {
            var d = g.Select(e => e.DurationUs / 1000.0).OrderBy(x => x).ToArray();
            double total = d.Sum(), flops = g.Sum(e => e.Flops), bytes = g.Sum(e => e.Bytes);
            double seconds = total / 1000.0;
            return new ProfileRow(kind, g.Key, d.Length, total, total / d.Length, Median(d), stepTotal > 0 ? 100 * total / stepTotal : 0,
                flops, bytes, seconds > 0 ? flops / seconds / 1e9 : 0, seconds > 0 ? bytes / seconds / 1e9 : 0);
        }).OrderByDescending(r => r.TotalMs).ToList();

    static double Median(double[] sorted) => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);

    public string ToText(int maxRows = 40)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"profile: {Text.Count.Of(Steps, "step")} on {Device}; step median {StepMedianMs:F1} ms (stopwatch); kernels {KernelMs / Steps:F1} ms + host spans {HostMs / Steps:F1} ms per step = {100 * Coverage:F1}% of the step");
        void Table(string title, IReadOnlyList<ProfileRow> rows, bool rates)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"{title,-48} {"calls",6} {"total ms",10} {"mean ms",9} {"median",9} {"share",7}{(rates ? $" {"GFLOP/s",9} {"GB/s",8}" : "")}");
            foreach (var r in rows.Take(maxRows))
                sb.AppendLine(inv, $"{Trim(r.Name, 48),-48} {r.Count,6} {r.TotalMs,10:F2} {r.MeanMs,9:F3} {r.MedianMs,9:F3} {r.SharePercent,6:F1}%{(rates ? $" {r.GflopPerS,9:F2} {r.GbPerS,8:F2}" : "")}");
            if (rows.Count > maxRows) sb.AppendLine(inv, $"... {rows.Count - maxRows} more");
        }
        Table("kernel", Kernels, true);
        Table("layer / phase (kernel time inside)", Sections, true);
        Table("host span", HostSpans, false);
        return sb.ToString();
    }

    public void SaveJson(string path)
    {
        var options = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            device = Device, steps = Steps, step_median_ms = StepMedianMs, step_total_ms = StepTotalMs,
            kernel_ms = KernelMs, host_ms = HostMs, coverage = Coverage,
            kernels = Kernels, sections = Sections, host_spans = HostSpans,
        }, options));
    }

    static string Trim(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
