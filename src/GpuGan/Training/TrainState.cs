namespace GpuGan.Training;

/// <summary>Where a run stands between two iterations: everything besides tensors that resume needs.</summary>
public sealed record TrainState
{
    public required TrainOptions Options { get; init; }
    /// <summary>Completed iterations (G updates).</summary>
    public long Iteration { get; init; }
    public long SamplerEpoch { get; init; }
    public int SamplerBatch { get; init; }
    /// <summary>Philox counter of the training noise stream.</summary>
    public ulong NoiseCounter { get; init; }
    public long DSteps { get; init; }
    public long GSteps { get; init; }
    /// <summary>Updates of G's weight average (0 without --ema).</summary>
    public long EmaUpdates { get; init; }
    /// <summary>The lowest FID of the sampling generator so far and its iteration (checkpoints/best.gpugan), or null.</summary>
    public double? BestFid { get; init; }
    public long BestFidIteration { get; init; }
    public string Device { get; init; } = "";
    /// <summary>Images in the training set: the saved data order only fits a data set of the same size.</summary>
    public int DataCount { get; init; }
    public DateTime SavedUtc { get; init; }
    /// <summary>The loss convention the run trained with (<see cref="Losses.GanLoss.Convention"/>): 0 in checkpoints
    /// written before the field (LSGAN's ½(l-t)²), 1 since (PyTorch's MSELoss (l-t)²). An LSGAN run of
    /// convention 0 cannot be resumed.</summary>
    public int LossConvention { get; init; }
    /// <summary>Host counters of G, D and G_ema by name (BatchNorm's num_batches_tracked: "G.bn0.num_batches_tracked",
    /// "ema.G.bn0.num_batches_tracked"); exact integers, hence here rather than among the float tensors. Null in
    /// checkpoints written before BatchNorm counted its batches: every counter then restores as 0.</summary>
    public Dictionary<string, long>? Counters { get; init; }
}
