using GpuGan.Training;

namespace GpuGan.Fuzz.Targets;

/// <summary>metrics.jsonl as a resume reads it: every line parsed, the ones past the checkpoint (and torn ones) cut.</summary>
public sealed class MetricsLogTarget : FuzzTarget
{
    const long ResumedIteration = 20;

    public override string Name => "metrics";
    public override string Description => "metrics.jsonl on resume: MetricsRecord.FromJsonLine + RunFolder.FilterMetrics";
    public override string FileName => RunFolder.MetricsFileName;
    public override IReadOnlyList<Type> Errors => [];

    // Lines as UTF-16 strings, the records, and the rewritten file.
    public override long AllocationBound(long inputBytes) => 4 * MiB + 24 * inputBytes;

    public override string Read(string path)
    {
        int kept = 0;
        RunFolder.FilterMetrics(Path.GetDirectoryName(path)!, line =>
        {
            bool keep = MetricsRecord.FromJsonLine(line) is { Iteration: <= ResumedIteration };
            if (keep) kept++;
            return keep;
        });
        return $"{kept} records kept";
    }

    public override IEnumerable<(string, byte[])> Seeds()
    {
        var quality = new QualityFigures(1000, 1000, 25.4, 0.012, 0.001, 0.7, 0.6, 9.1, 10, 2.29, 0.993);
        var lines = new[]
        {
            new MetricsRecord(10, 0, 1.38f, 0.69f, 0.5f, 0.5f, 0.49f, 812.5, 1.2),
            new MetricsRecord(20, 0, 0.9f, 2.1f, 0.7f, 0.2f, 0.15f, 790, 2.4, quality, quality),
            new MetricsRecord(30, 1, 0.8f, 2.5f, 0.75f, 0.2f, 0.1f, 801, 3.6),
        }.Select(r => r.ToJsonLine()).ToList();
        yield return ("three.jsonl", System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        // A killed run's torn last line.
        yield return ("torn.jsonl", System.Text.Encoding.UTF8.GetBytes(lines[0] + "\n" + lines[1][..40]));
    }
}
