using GpuGan.Metrics;

namespace GpuGan.Bench;

/// <summary>One side's training run in the quality mode: how long it took and how its losses moved.</summary>
/// <param name="TrainSeconds">wall time of the iterations alone (model building and sampling excluded; the first
/// iteration, which on GpuGan's side compiles its kernels, included).</param>
/// <param name="PeakRssKiB">VmHWM of the side's process when training ended (the parent's covers every GpuGan seed so far).</param>
public sealed record QualityTraining(
    string Side, ulong Seed, int Iterations, double TrainSeconds, double FirstIterationMs,
    double FirstLossD, double FirstLossG, double LastLossD, double LastLossG, long PeakRssKiB)
{
    public double MeanIterationMs => TrainSeconds * 1000 / Iterations;
}

/// <summary>A generator of one run scored by GpuGan's metrics (the report carries n_fake and n_real).</summary>
public sealed record QualitySide(string Generator, QualityTraining Training, QualityReport Report);

/// <summary>One seed: TorchSharp's G, GpuGan's G and, with --ema, GpuGan's G_ema.</summary>
public sealed record QualitySeed(ulong Seed, QualitySide Torch, QualitySide GpuGan, QualitySide? GpuGanEma)
{
    public IEnumerable<QualitySide> Sides => GpuGanEma is null ? [Torch, GpuGan] : [Torch, GpuGan, GpuGanEma];
}

/// <summary>A figure over seeds: mean, sample standard deviation (0 for one seed), range.</summary>
public sealed record SeedSpread(double Mean, double StandardDeviation, double Min, double Max, int Seeds)
{
    public static SeedSpread Of(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return new SeedSpread(mean, sd, values.Min(), values.Max(), values.Count);
    }
}

/// <summary>What <c>quality --json FILE</c> writes.</summary>
/// <param name="Means">per generator ("TorchSharp G", "GpuGan G", "GpuGan G_ema"), per figure: its spread over seeds.</param>
/// <param name="Floor">the first n_fake real training digits scored the same way: what a perfect generator gets at this count.</param>
public sealed record QualityBenchReport(
    string Command, MachineInfo Machine, int Threads, string TorchSharpVersion, GpuGanInfo GpuGan,
    int Iterations, int Batch, int Count, float Ema, IReadOnlyList<ulong> Seeds, string Classifier,
    IReadOnlyList<QualitySeed> Runs, Dictionary<string, Dictionary<string, SeedSpread>> Means, QualityReport Floor);
