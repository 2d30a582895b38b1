namespace GpuGan.Training;

/// <summary>One line of metrics.jsonl: the figures pytorch/examples' dcgan prints, plus throughput; at evaluation
/// iterations also the sample quality of G (<see cref="Quality"/>) and of its weight average (<see cref="QualityEma"/>).</summary>
public sealed record MetricsRecord(
    long Iteration, long Epoch, float LossD, float LossG, float DOfX, float DOfGzBeforeD, float DOfGzAfterD,
    double ImagesPerSecond, double ElapsedSeconds, QualityFigures? Quality = null, QualityFigures? QualityEma = null)
{
    /// <summary>The figures of the generator samples come from (G_ema when there is one), or null; not written to
    /// metrics.jsonl, where it would repeat "quality" or "quality_ema".</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public QualityFigures? Sampling => QualityEma ?? Quality;

    static readonly System.Text.Json.JsonSerializerOptions JsonLine = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The record as one line of metrics.jsonl (snake_case, absent figures left out).</summary>
    public string ToJsonLine() => System.Text.Json.JsonSerializer.Serialize(this, JsonLine);

    /// <summary>A line of metrics.jsonl, or null when it is not one (malformed, or torn by a kill mid-append).</summary>
    public static MetricsRecord? FromJsonLine(string line)
    {
        try { return System.Text.Json.JsonSerializer.Deserialize<MetricsRecord>(line, JsonLine); }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
