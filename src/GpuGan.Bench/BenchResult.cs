namespace GpuGan.Bench;

/// <summary>Timing of one op (same Name as in <see cref="DcganShapes.Ops"/>).</summary>
public sealed record BenchResult(string Op, double MedianMs, double MinMs, int Repetitions, double Flops)
{
    /// <summary>GFLOP/s at the median time (0 when the op has no FLOP count).</summary>
    public double Gflops => MedianMs > 0 && Flops > 0 ? Flops / (MedianMs * 1e6) : 0;
}

/// <summary>Timing of the whole DCGAN training iteration (D step on real+fake, then G step).</summary>
public sealed record TrainResult(
    int Threads, int Batch, int WarmupIterations, int Iterations,
    double MedianMs, double MeanMs, double MinMs, double ImagesPerSecond,
    long PeakRssKiB, double LastLossD, double LastLossG)
{
    /// <summary>Parameter counts of the G and D that were trained (both sides must match <see cref="DcganShapes"/>).</summary>
    public long ParamsG { get; init; }
    public long ParamsD { get; init; }
    /// <summary>Images/s of the same number of iterations run back to back with one loss read at the end (the trainer's
    /// own rhythm between logging steps); measured on GPUs only.</summary>
    public double? NoReadImagesPerSecond { get; init; }
}

/// <summary>The JSON document a torch worker child process writes to its stdout.</summary>
public sealed record WorkerReport(
    string Mode, int Threads, string TorchSharpVersion,
    List<BenchResult>? Kernels, TrainResult? Train)
{
    /// <summary>quality: the training run; its samples are in the file the parent named (<see cref="SampleFile"/>).</summary>
    public QualityTraining? Quality { get; init; }
}
