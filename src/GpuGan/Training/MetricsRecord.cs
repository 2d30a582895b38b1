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
}
