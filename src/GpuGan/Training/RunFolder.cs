using System.Globalization;
using GpuGan.Data;

namespace GpuGan.Training;

/// <summary>
/// A run folder belongs to one run: what GpuGan writes there, whether a folder already holds a run, clearing
/// it for --force-new, and tidying it at the start of a run (stale temporary files, metrics past the resumed checkpoint).
/// </summary>
public static class RunFolder
{
    public const string MetricsFileName = "metrics.jsonl";
    public const string ConfigFileName = "config.json";

    /// <summary>The files GpuGan writes at the top of a run folder (besides the checkpoints/ and samples/ folders).</summary>
    public static readonly string[] OutputFiles = [ConfigFileName, MetricsFileName, "loss.svg", "profile.json", "trace.json"];

    /// <summary>The folders GpuGan writes in a run folder.</summary>
    public static readonly string[] OutputFolders = ["checkpoints", "samples"];

    /// <summary>
    /// What of another run the folder holds, as a short phrase ("iteration 30 in checkpoints/", "metrics.jsonl, config.json;
    /// no checkpoint"), or null when it holds none (missing, empty, or without GpuGan's run files).
    /// </summary>
    public static string? DescribeRun(string dir)
    {
        if (!Directory.Exists(dir)) return null;
        string checkpoints = Path.Combine(dir, "checkpoints");
        var files = Directory.Exists(checkpoints) ? Directory.GetFiles(checkpoints, "*.gpugan") : [];
        if (files.Length > 0)
        {
            long? latest = files.Select(f => Path.GetFileNameWithoutExtension(f))
                .Where(n => n.StartsWith("checkpoint_", StringComparison.Ordinal))
                .Select(n => long.TryParse(n["checkpoint_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long i) ? i : (long?)null)
                .Max();
            return latest is long it ? $"iteration {it} in checkpoints/" : $"{string.Join(", ", files.Select(Path.GetFileName).Order(StringComparer.Ordinal))} in checkpoints/";
        }
        var present = RunFiles(dir);
        return present.Count > 0 ? $"{string.Join(", ", present)}; no checkpoint" : null;
    }

    /// <summary>Which of a run's config.json and metrics.jsonl the folder holds: what marks it as a run's without a checkpoint.</summary>
    static List<string> RunFiles(string dir) => new[] { ConfigFileName, MetricsFileName }.Where(f => File.Exists(Path.Combine(dir, f))).ToList();

    /// <summary>Whether the folder holds a checkpoint a run could be resumed from.</summary>
    public static bool HasCheckpoint(string dir) =>
        Directory.Exists(Path.Combine(dir, "checkpoints")) && Directory.GetFiles(Path.Combine(dir, "checkpoints"), "checkpoint_*.gpugan").Length > 0;

    /// <summary>
    /// What of a run a folder holds ("config.json and metrics.jsonl") when it holds no checkpoint at all: a run killed
    /// before its first checkpoint, which leaves nothing to resume; null for any other folder.
    /// </summary>
    public static string? DescribeRunWithoutCheckpoint(string dir)
    {
        string checkpoints = Path.Combine(dir, "checkpoints");
        if (!Directory.Exists(dir) || (Directory.Exists(checkpoints) && Directory.EnumerateFiles(checkpoints, "*.gpugan").Any())) return null;
        var present = RunFiles(dir);
        return present.Count > 0 ? string.Join(" and ", present) : null;
    }

    /// <summary>Deletes exactly GpuGan's outputs in the folder (checkpoints/, samples/, metrics, loss plot, config, profile, trace); nothing else.</summary>
    public static void Clear(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var folder in OutputFolders)
        {
            string path = Path.Combine(dir, folder);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        foreach (var file in OutputFiles)
        {
            string path = Path.Combine(dir, file);
            if (File.Exists(path)) File.Delete(path);
        }
        RemoveStaleTemporaryFiles(dir);
    }

    /// <summary>
    /// Removes temporary files a killed run left: ".NAME.tmp" and ".NAME.PID.tmp" (<see cref="AtomicFile"/>, SampleGrid)
    /// at the top of the folder, in checkpoints/ and in samples/.
    /// </summary>
    public static void RemoveStaleTemporaryFiles(string dir)
    {
        foreach (var folder in new[] { dir, Path.Combine(dir, "checkpoints"), Path.Combine(dir, "samples") })
        {
            if (!Directory.Exists(folder)) continue;
            foreach (var temp in Directory.GetFiles(folder, ".*.tmp"))
                try { File.Delete(temp); } catch (IOException) { /* in use: leave it */ }
        }
    }

    /// <summary>
    /// Rewrites metrics.jsonl (atomically) with only the lines <paramref name="keep"/> accepts, when any line is dropped;
    /// a resumed run thus does not repeat the iterations it redoes.
    /// </summary>
    public static void FilterMetrics(string dir, Func<string, bool> keep)
    {
        string path = Path.Combine(dir, MetricsFileName);
        if (!File.Exists(path)) return;
        var lines = File.ReadAllLines(path);
        var kept = lines.Where(keep).ToList();
        if (kept.Count == lines.Length && (lines.Length == 0 || File.ReadAllText(path).EndsWith('\n'))) return;
        AtomicFile.Write(path, fs =>
        {
            using var w = new StreamWriter(fs, leaveOpen: true);
            foreach (var line in kept) w.Write(line + "\n");
        });
    }
}
