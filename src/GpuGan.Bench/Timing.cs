using System.Diagnostics;

namespace GpuGan.Bench;

/// <summary>Warm-up, then per-call wall time until both the repetition and the time minimum are met.</summary>
public static class Timing
{
    public sealed record Stats(double MedianMs, double MinMs, double MeanMs, int Repetitions);

    public static Stats Measure(Action call, int warmup, int minReps, double minSeconds, int maxReps = 1_000_000)
    {
        for (int i = 0; i < warmup; i++) call();
        var samples = new List<double>(Math.Max(minReps, 64));
        long start = Stopwatch.GetTimestamp();
        while (samples.Count < maxReps
               && (samples.Count < minReps || Stopwatch.GetElapsedTime(start).TotalSeconds < minSeconds))
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return Summarize(samples);
    }

    public static Stats Summarize(List<double> samples)
    {
        var sorted = samples.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        return new Stats(median, sorted[0], sorted.Average(), n);
    }
}
