namespace GpuGan.Data;

/// <summary>Where a <see cref="BatchSampler"/> stands: the epoch, and the next batch within it. Saved in checkpoints.</summary>
public readonly record struct SamplerState(long Epoch, int Batch);
