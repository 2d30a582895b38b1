using System.Text;
using System.Text.Json;
using GpuGan.Metrics;
using Xunit;

namespace GpuGan.Tests.Metrics;

public class QualityReportTests
{
    [Fact]
    public void ComputeGathersEachFigureWithTheSampleCounts()
    {
        var (fake, real) = Sets();
        var report = QualityReport.Compute(fake, real, seed: 3);

        Assert.Equal((120, 90), (report.FakeCount, report.RealCount));
        Assert.Equal(FrechetDistance.Compute(fake, real), report.Fid);
        Assert.Equal(KernelInceptionDistance.Compute(fake, real, seed: 3), report.Kid);
        Assert.Equal(PrecisionRecall.Compute(fake, real), report.PrecisionRecall);
        Assert.Equal(ClassifierScore.Compute(fake), report.ClassifierScore);
        Assert.Equal(ClassHistogram.Of(fake).Counts, report.FakeClasses!.Counts);
        Assert.Equal(90, report.Kid.SubsetSize);                                  // min(1000, n_fake, n_real)
        Assert.True(report.Fid > 0.5, $"FID {report.Fid}: the sets differ");
    }

    [Fact]
    public void PrecomputedRealStatisticsGiveTheSameReport()
    {
        var (fake, real) = Sets();
        var realStats = GaussianStatistics.Of(real);
        Assert.Equal(QualityReport.Compute(fake, real).Fid, QualityReport.Compute(fake, real, realStats).Fid);

        var other = GaussianStatistics.Of(SampleSets.Isotropic(50, 6, seed: 9));
        Assert.Contains("describe 50 samples", Assert.Throws<ArgumentException>(() => QualityReport.Compute(fake, real, other)).Message);
    }

    [Fact]
    public void TextIsAlignedLinesWithTheCounts()
    {
        var report = Fixed();
        string[] lines = report.ToText().TrimEnd('\n').Split('\n');
        Assert.Equal(
        [
            "samples           fake 2000, real 1000",
            "FID                  12.3457",
            "KID                0.0012346 ± 5.68e-05 (100 subsets of 1000)",
            "precision             0.7500 (k = 3)",
            "recall                0.6250 (k = 3)",
            "classifier score      8.5000 (at most 10)",
            "classes                    9 of 10, entropy 2.1000 nats (even spread 2.3026)",
        ], lines);
    }

    [Fact]
    public void JsonHasTheFiguresUnderMetricsJsonlNames()
    {
        var report = Fixed();
        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;
        Assert.Equal(2000, root.GetProperty("n_fake").GetInt32());
        Assert.Equal(1000, root.GetProperty("n_real").GetInt32());
        Assert.Equal(12.345678, root.GetProperty("fid").GetDouble());
        Assert.Equal(0.00123456, root.GetProperty("kid_mean").GetDouble());
        Assert.Equal(0.0000568, root.GetProperty("kid_std").GetDouble());
        Assert.Equal(100, root.GetProperty("kid_subsets").GetInt32());
        Assert.Equal(1000, root.GetProperty("kid_subset_size").GetInt32());
        Assert.Equal(0.75, root.GetProperty("precision").GetDouble());
        Assert.Equal(0.625, root.GetProperty("recall").GetDouble());
        Assert.Equal(3, root.GetProperty("pr_k").GetInt32());
        Assert.Equal(8.5, root.GetProperty("classifier_score").GetDouble());
        Assert.Equal(9, root.GetProperty("classes_present").GetInt32());
        Assert.Equal(2.1, root.GetProperty("class_entropy_nats").GetDouble());
        Assert.Equal([200, 200, 200, 200, 200, 200, 200, 200, 400, 0], root.GetProperty("class_counts").EnumerateArray().Select(e => e.GetInt32()));
        Assert.DoesNotContain('\n', report.ToJson());
    }

    [Fact]
    public void JsonPropertiesGoIntoTheCallersObject()
    {
        var report = Fixed() with { ClassifierScore = null, FakeClasses = null };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("iteration", 500);
            report.WriteJsonProperties(writer);
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray()));
        Assert.Equal(500, doc.RootElement.GetProperty("iteration").GetInt32());
        Assert.Equal(12.345678, doc.RootElement.GetProperty("fid").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("classifier_score").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("class_counts").ValueKind);
        Assert.DoesNotContain("classifier score", report.ToText());
    }

    static QualityReport Fixed() => new(
        FakeCount: 2000, RealCount: 1000, Fid: 12.345678,
        Kid: new KernelInceptionDistance(0.00123456, 0.0000568, 100, 1000),
        PrecisionRecall: new PrecisionRecall(0.75, 0.625, 3),
        ClassifierScore: 8.5,
        FakeClasses: new ClassHistogram([200, 200, 200, 200, 200, 200, 200, 200, 400, 0], 9, 2.1));

    /// <summary>Two Gaussian sets of 6 features, the fake one shifted, with made-up probabilities.</summary>
    static (FeatureSet Fake, FeatureSet Real) Sets()
    {
        var fakeFeatures = SampleSets.Isotropic(120, 6, seed: 1, shift: 0.4);
        var fake = new FeatureSet(120, 6,
            Enumerable.Range(0, 120).SelectMany(s => fakeFeatures.Row(s).ToArray()).Select(v => (float)v).ToArray(),
            Enumerable.Range(0, 120).SelectMany(s => Enumerable.Range(0, 10).Select(c => c == s % 7 ? 0.91f : 0.01f)).ToArray());
        return (fake, SampleSets.Isotropic(90, 6, seed: 2));
    }
}
