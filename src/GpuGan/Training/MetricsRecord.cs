namespace GpuGan.Training;

/// <summary>One line of metrics.jsonl: the figures pytorch/examples' dcgan prints, plus throughput.</summary>
public sealed record MetricsRecord(
    long Iteration, long Epoch, float LossD, float LossG, float DOfX, float DOfGzBeforeD, float DOfGzAfterD,
    double ImagesPerSecond, double ElapsedSeconds);
