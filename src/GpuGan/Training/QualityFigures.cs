using GpuGan.Metrics;

namespace GpuGan.Training;

/// <summary>One generator's figures of an evaluation, as metrics.jsonl keeps them (with the sample counts they depend on).</summary>
public sealed record QualityFigures(
    int Samples, int RealSamples, double Fid, double KidMean, double KidStd, double Precision, double Recall,
    double? ClassifierScore, int? ClassesPresent, double? ClassEntropyNats, double? ClassMatch = null)
{
    public static QualityFigures From(QualityReport r) => new(
        r.FakeCount, r.RealCount, r.Fid, r.Kid.Mean, r.Kid.StandardDeviation, r.PrecisionRecall.Precision, r.PrecisionRecall.Recall,
        r.ClassifierScore, r.FakeClasses?.ClassesPresent, r.FakeClasses?.EntropyNats, r.ClassMatch?.Overall);
}
