namespace GpuGan.Bench;

/// <summary>
/// Extension point: the GpuGan (ILGPU) side of the benchmark. It runs in the parent process (libtorch
/// never loads there). To wire it up, implement these functions with the GpuGan library: time every op of
/// <paramref name="ops"/> (same shapes, same Name per result, e.g. via <see cref="Timing.Measure"/>) and the
/// training iteration; <see cref="BenchTable"/> then fills the GpuGan and ratio columns.
/// </summary>
public static class GpuGanSide
{
    /// <summary>One <see cref="BenchResult"/> per op (ops it cannot run may be left out).</summary>
    public static IReadOnlyList<BenchResult> MeasureGpuGan(IReadOnlyList<OpShape> ops, BenchOptions options) =>
        throw new NotImplementedException("GpuGan side: not wired yet");

    /// <summary>The DCGAN training iteration with GpuGan, measured like <see cref="TorchTrain"/>.</summary>
    public static TrainResult MeasureGpuGanTrain(BenchOptions options) =>
        throw new NotImplementedException("GpuGan side: not wired yet");

    public const string NotWired = "GpuGan side: not wired yet";

    /// <summary>Calls <paramref name="measure"/>; null while it is not implemented (the table then says so).</summary>
    public static T? TryMeasure<T>(Func<T> measure) where T : class
    {
        try { return measure(); }
        catch (NotImplementedException) { return null; }
    }
}
