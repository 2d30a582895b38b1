using System.Globalization;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Metrics;

namespace GpuGan.Bench;

/// <summary>
/// Scores host images from either side with GpuGan's metrics, one path for all: the embedded MNIST classifier's
/// features and p(y|x) (<see cref="FeatureExtractor"/>), then <see cref="QualityReport.Compute"/> against the
/// embedded 1,000 held-out digits, whose features and statistics are computed once. KID uses torch-fidelity's 100
/// subsets, as <c>gpugan eval</c> does (the trainer's periodic evaluations use 10).
/// </summary>
public sealed class QualityScorer : IDisposable
{
    /// <summary>The classifier's batch, as in <c>gpugan eval</c> (it runs in evaluation mode: the batch does not change a figure).</summary>
    const int ClassifierBatch = 100;

    readonly ComputeDevice dev;
    readonly MnistClassifier classifier;
    readonly FeatureExtractor extractor;

    public QualityScorer(BenchOptions o)
    {
        dev = GpuGanSide.CreateDevice(o);
        classifier = MnistClassifier.Load(dev, MnistClassifier.EmbeddedPath);
        extractor = new FeatureExtractor(classifier, ClassifierBatch);
        Reference = extractor.Describe(DatasetLoader.LoadEmbedded(heldOut: true));
        ReferenceStatistics = GaussianStatistics.Of(Reference);
        Description = $"MNIST classifier {MnistClassifier.EmbeddedFileName}" +
            (classifier.RecordedAccuracy is double a ? string.Create(CultureInfo.InvariantCulture, $" ({a:P2} held-out accuracy)") : "") +
            $"; reference: {Reference.Count} held-out digits";
    }

    public FeatureSet Reference { get; }
    public GaussianStatistics ReferenceStatistics { get; }
    public string Description { get; }

    /// <summary>Every figure for images (n, 1, 28, 28) in [-1, 1].</summary>
    public QualityReport Score(float[] images)
    {
        extractor.Begin(images.Length / SampleFile.ImageFloats);
        extractor.Add(images);
        return QualityReport.Compute(extractor.End(), Reference, ReferenceStatistics);
    }

    /// <summary>The first <paramref name="count"/> real training digits scored the same way: what a perfect generator gets at this count.</summary>
    public QualityReport Floor(int count) =>
        QualityReport.Compute(Baselines.RealDigits(extractor, DatasetLoader.LoadEmbedded(), count), Reference, ReferenceStatistics);

    public void Dispose()
    {
        extractor.Dispose();
        classifier.Dispose();
        dev.Dispose();
    }
}
