using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GpuGan.Metrics;

/// <summary>
/// Every sample-quality figure of one evaluation, with the sample counts they came from: FID is biased by n
/// and precision/recall shift with it, so a figure never travels without n_fake and n_real.
/// </summary>
/// <param name="FakeCount">n_fake, the generated samples.</param>
/// <param name="RealCount">n_real, the held-out real samples.</param>
/// <param name="Fid">Fréchet distance of the features (<see cref="FrechetDistance"/>).</param>
/// <param name="Kid">KID mean and spread over subsets (<see cref="KernelInceptionDistance"/>).</param>
/// <param name="PrecisionRecall">k-NN precision and recall (<see cref="Metrics.PrecisionRecall"/>).</param>
/// <param name="ClassifierScore">the fake set's classifier score, when it has probabilities (<see cref="Metrics.ClassifierScore"/>).</param>
/// <param name="FakeClasses">the fake set's argmax class histogram, when it has probabilities.</param>
public sealed record QualityReport(
    int FakeCount, int RealCount, double Fid, KernelInceptionDistance Kid, PrecisionRecall PrecisionRecall,
    double? ClassifierScore, ClassHistogram? FakeClasses)
{
    /// <summary>For a conditional generator: how often its samples are classified as the class asked for; else null.</summary>
    public ClassMatch? ClassMatch { get; init; }

    /// <summary>
    /// All figures for <paramref name="fake"/> against <paramref name="real"/>. Pass <paramref name="realStatistics"/>
    /// (<see cref="GaussianStatistics.Of"/> of the same real set) to skip recomputing them at every evaluation;
    /// <paramref name="seed"/> picks KID's subsets. Each set needs more than <see cref="PrecisionRecall.DefaultK"/> samples.
    /// </summary>
    public static QualityReport Compute(FeatureSet fake, FeatureSet real, GaussianStatistics? realStatistics = null, int seed = 0,
        int kidSubsets = KernelInceptionDistance.DefaultSubsets)
    {
        ArgumentNullException.ThrowIfNull(fake);
        ArgumentNullException.ThrowIfNull(real);
        if (fake.Dimension != real.Dimension)
            throw new ArgumentException($"the fake set has {fake.Dimension} features, the real set {real.Dimension}");
        if (realStatistics is not null && (realStatistics.Count != real.Count || realStatistics.Dimension != real.Dimension))
            throw new ArgumentException(
                $"realStatistics describe {realStatistics.Count} samples of {realStatistics.Dimension} features, the real set has {real.Count} of {real.Dimension}",
                nameof(realStatistics));

        double fid = FrechetDistance.Compute(GaussianStatistics.Of(fake), realStatistics ?? GaussianStatistics.Of(real));
        return new QualityReport(
            fake.Count, real.Count, fid,
            KernelInceptionDistance.Compute(fake, real, seed, kidSubsets),
            Metrics.PrecisionRecall.Compute(fake, real),
            fake.HasProbabilities ? Metrics.ClassifierScore.Compute(fake) : null,
            fake.HasProbabilities ? ClassHistogram.Of(fake) : null);
    }

    /// <summary>A few aligned lines for the console, e.g. <c>FID                  12.3456</c>.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label,-18}{value}\n");
        Line("samples", $"fake {FakeCount}, real {RealCount}");
        Line("FID", Invariant($"{Fid,10:F4}"));
        Line("KID", Invariant($"{Kid.Mean,10:g5} ± {Kid.StandardDeviation:g3} ({Kid.Subsets} subsets of {Kid.SubsetSize})"));
        Line("precision", Invariant($"{PrecisionRecall.Precision,10:F4} (k = {PrecisionRecall.K})"));
        Line("recall", Invariant($"{PrecisionRecall.Recall,10:F4} (k = {PrecisionRecall.K})"));
        if (ClassifierScore is double score)
            Line("classifier score", Invariant($"{score,10:F4} (at most {FakeClasses?.Counts.Count})"));
        if (FakeClasses is { } classes)
            Line("classes", Invariant(
                $"{classes.ClassesPresent,10} of {classes.Counts.Count}, entropy {classes.EntropyNats:F4} nats (even spread {classes.MaxEntropyNats:F4})"));
        if (ClassMatch is { } match)
            Line("class match", Invariant($"{match.Overall,10:F4} (classified as the asked class; per class {string.Join(" ", match.PerClass.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)))})"));
        return text.ToString();
    }

    /// <summary>
    /// Writes the figures as properties of the JSON object <paramref name="writer"/> is inside, with the
    /// snake_case names of metrics.jsonl, so a caller can add its own (e.g. the iteration) beside them.
    /// Figures the fake set has no probabilities for are written as null.
    /// </summary>
    public void WriteJsonProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumber("n_fake", FakeCount);
        writer.WriteNumber("n_real", RealCount);
        writer.WriteNumber("fid", Fid);
        writer.WriteNumber("kid_mean", Kid.Mean);
        writer.WriteNumber("kid_std", Kid.StandardDeviation);
        writer.WriteNumber("kid_subsets", Kid.Subsets);
        writer.WriteNumber("kid_subset_size", Kid.SubsetSize);
        writer.WriteNumber("precision", PrecisionRecall.Precision);
        writer.WriteNumber("recall", PrecisionRecall.Recall);
        writer.WriteNumber("pr_k", PrecisionRecall.K);
        if (ClassifierScore is double score) writer.WriteNumber("classifier_score", score);
        else writer.WriteNull("classifier_score");
        if (FakeClasses is { } classes)
        {
            writer.WriteNumber("classes_present", classes.ClassesPresent);
            writer.WriteNumber("class_entropy_nats", classes.EntropyNats);
            writer.WriteStartArray("class_counts");
            foreach (int count in classes.Counts) writer.WriteNumberValue(count);
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull("classes_present");
            writer.WriteNull("class_entropy_nats");
            writer.WriteNull("class_counts");
        }
        if (ClassMatch is { } match)
        {
            writer.WriteNumber("class_match", match.Overall);
            writer.WriteStartArray("class_match_per_class");
            foreach (double p in match.PerClass) writer.WriteNumberValue(p);
            writer.WriteEndArray();
        }
    }

    /// <summary>The figures as one compact JSON object (one line of a .jsonl file, without the newline).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteJsonProperties(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
