using System.Globalization;
using System.Text;
using GpuGan.Metrics;

namespace GpuGan.Bench;

/// <summary>Prints the quality mode's tables: one per seed (a column per generator), then the mean over seeds.</summary>
public static class QualityTable
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    const int LabelWidth = 24, Width = 20;

    /// <summary>A figure that is averaged over seeds, keyed as in metrics.jsonl; shown times <c>Scale</c>.
    /// <c>Quality</c>: it also applies to the floor (real digits).</summary>
    sealed record Figure(string Key, string Label, string Format, bool Quality, Func<QualityTraining?, QualityReport, double?> Value, double Scale = 1);

    static readonly Figure[] Figures =
    [
        new("train_seconds", "train wall s", "F1", false, (t, _) => t?.TrainSeconds),
        new("ms_per_iteration", "ms/iteration (mean)", "F1", false, (t, _) => t?.MeanIterationMs),
        new("fid", "FID", "F2", true, (_, r) => r.Fid),
        new("kid_mean", "KID x 1000", "F3", true, (_, r) => r.Kid.Mean, Scale: 1000),
        new("precision", "precision (k=3)", "F4", true, (_, r) => r.PrecisionRecall.Precision),
        new("recall", "recall (k=3)", "F4", true, (_, r) => r.PrecisionRecall.Recall),
        new("classifier_score", "classifier score", "F3", true, (_, r) => r.ClassifierScore),
        new("classes_present", "classes present", "F1", true, (_, r) => r.FakeClasses?.ClassesPresent),
        new("class_entropy_nats", "class entropy (nats)", "F3", true, (_, r) => r.FakeClasses?.EntropyNats),
    ];

    public static void Print(BenchOptions o, IReadOnlyList<QualitySeed> runs, QualityReport floor, string scoring)
    {
        Console.WriteLine($"training: {o.Iterations} iterations per side (batch {DcganShapes.Batch}, one D and one G update each; BCE-with-logits, " +
                          "Adam 2e-4 (0.5, 0.999), DCGAN init N(0, 0.02), BN weights N(1, 0.02))");
        Console.WriteLine("          on the embedded 9,000 MNIST training digits in [-1, 1], the same batches on both sides (GpuGan's BatchSampler,");
        Console.WriteLine("          reshuffled each epoch, partial last batch dropped); GpuGan in this process, then TorchSharp in a child, never at once" +
                          (o.Ema > 0 ? string.Create(Inv, $"; GpuGan also keeps G_ema (decay {o.Ema})") : ""));
        Console.WriteLine($"scoring : {scoring};");
        Console.WriteLine($"          {o.Count} samples of each G in eval mode (BatchNorm running statistics), every side's images through");
        Console.WriteLine("          the same classifier and QualityReport.Compute (KID: 100 subsets)");
        foreach (var run in runs)
        {
            Console.WriteLine();
            Console.Write(SeedTable(run));
        }
        Console.WriteLine();
        Console.Write(MeanTable(runs, floor));
        Console.WriteLine("train wall s: the training iterations alone (model building, sampling and scoring excluded); GpuGan's first");
        Console.WriteLine("iteration compiles its kernels. FID is biased by the sample count: compare figures of equal n_fake only.");
        Console.WriteLine("floor: the first n_fake real training digits scored the same way (what a perfect generator gets at this count).");
    }

    /// <summary>Each generator's figures over the seeds, keyed like the JSON report (<see cref="QualityBenchReport.Means"/>).</summary>
    public static Dictionary<string, Dictionary<string, SeedSpread>> Means(IReadOnlyList<QualitySeed> runs) =>
        runs[0].Sides.Select((side, i) => (side.Generator, Sides: runs.Select(r => r.Sides.ElementAt(i)).ToList()))
            .ToDictionary(g => g.Generator, g => Figures
                .Select(f => (f.Key, Values: g.Sides.Select(s => f.Value(s.Training, s.Report)).OfType<double>().ToList()))
                .Where(f => f.Values.Count == g.Sides.Count)
                .ToDictionary(f => f.Key, f => SeedSpread.Of(f.Values)));

    static string SeedTable(QualitySeed run)
    {
        var sides = run.Sides.ToList();
        var sb = new StringBuilder();
        Head(sb, $"seed {run.Seed}", sides.Select(s => s.Generator));
        Row(sb, "samples (fake/real)", sides.Select(s => $"{s.Report.FakeCount}/{s.Report.RealCount}"));
        foreach (var f in Figures)
        {
            if (f.Key == "kid_mean")
                Row(sb, f.Label, sides.Select(s => WithSpread(s.Report.Kid.Mean * f.Scale, s.Report.Kid.StandardDeviation * f.Scale, f.Format)));
            else
                Row(sb, f.Label, sides.Select(s => Cell(f.Value(s.Training, s.Report) * f.Scale, f.Key == "classes_present" ? "F0" : f.Format)));
            if (f.Key == "ms_per_iteration")
            {
                Row(sb, "first iteration ms", sides.Select(s => s.Training.FirstIterationMs.ToString("F0", Inv)));
                Row(sb, "loss D first -> last", sides.Select(s => string.Create(Inv, $"{s.Training.FirstLossD:F3} -> {s.Training.LastLossD:F3}")));
                Row(sb, "loss G first -> last", sides.Select(s => string.Create(Inv, $"{s.Training.FirstLossG:F3} -> {s.Training.LastLossG:F3}")));
            }
        }
        foreach (var s in sides)
            if (s.Report.FakeClasses is { } h)
                sb.AppendLine($"{s.Generator} classes 0-9: {string.Join(" ", h.Counts)}");
        sb.AppendLine("(KID ± its spread over subsets; G_ema shares G's training run)");
        return sb.ToString();
    }

    static string MeanTable(IReadOnlyList<QualitySeed> runs, QualityReport floor)
    {
        var means = Means(runs);
        bool spread = runs.Count > 1;
        var sb = new StringBuilder();
        Head(sb, spread ? $"mean of {runs.Count} seeds (± sd)" : "mean of 1 seed", [.. means.Keys, "floor: real digits"]);
        Row(sb, "samples (fake/real)", [.. runs[0].Sides.Select(s => $"{s.Report.FakeCount}/{s.Report.RealCount}"), $"{floor.FakeCount}/{floor.RealCount}"]);
        foreach (var f in Figures)
        {
            var cells = means.Values.Select(m => m.TryGetValue(f.Key, out var v)
                ? spread ? WithSpread(v.Mean * f.Scale, v.StandardDeviation * f.Scale, f.Format) : Number(v.Mean * f.Scale, f.Format)
                : "-").ToList();
            cells.Add(f.Quality ? Cell(f.Value(null, floor) * f.Scale, f.Key == "classes_present" ? "F0" : f.Format) : "-");
            Row(sb, f.Label, cells);
        }
        return sb.ToString();
    }

    static void Head(StringBuilder sb, string title, IEnumerable<string> columns)
    {
        sb.Append(title.PadRight(LabelWidth));
        foreach (var c in columns) sb.Append(' ').Append(c.PadLeft(Width - 1));
        sb.AppendLine();
    }

    static void Row(StringBuilder sb, string label, IEnumerable<string> cells)
    {
        sb.Append(label.PadRight(LabelWidth));
        foreach (var c in cells) sb.Append(' ').Append(c.PadLeft(Width - 1));
        sb.AppendLine();
    }

    static string Cell(double? value, string format) => value is double v ? Number(v, format) : "-";

    /// <summary>Large values (an untrained G's KID) without decimals, so a cell stays narrow.</summary>
    static string Number(double v, string format) => v.ToString(Math.Abs(v) >= 10_000 ? "F0" : format, Inv);

    /// <summary>"mean ± spread", both with the decimals the mean gets.</summary>
    static string WithSpread(double mean, double spread, string format)
    {
        string f = Math.Abs(mean) >= 10_000 ? "F0" : format;
        return $"{mean.ToString(f, Inv)} ± {spread.ToString(f, Inv)}";
    }
}
