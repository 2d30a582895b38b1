namespace GpuGan.Training;

/// <summary>What the trainer reports at each logging interval, for a progress display.</summary>
public sealed record TrainProgress(MetricsRecord Metrics, long TargetIterations, int BatchesPerEpoch, TimeSpan Eta);

public enum TrainOutcome
{
    /// <summary>Reached the iteration budget.</summary>
    Completed,
    /// <summary>An evaluation's FID reached --target-fid (the seed's second stopping rule).</summary>
    TargetReached,
    /// <summary>Stopped on request (Ctrl+C / SIGTERM) after writing a checkpoint.</summary>
    Interrupted,
    /// <summary>A loss became NaN or infinite; nothing was saved from the diverged state.</summary>
    Diverged,
}

public sealed record TrainResult(TrainOutcome Outcome, long Iteration, string? LastCheckpoint, string? FinalGrid, TimeSpan Elapsed, double ImagesPerSecond, string Message);
