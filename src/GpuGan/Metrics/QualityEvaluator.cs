using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Layers;

namespace GpuGan.Metrics;

/// <summary>
/// Sample quality of a generator against a fixed set of real images (the embedded held-out digits by default):
/// the real features and their mean and covariance are computed once; each evaluation draws the same
/// <see cref="Count"/> latent vectors (a fixed noise stream restarted every time, so a curve over iterations
/// compares like with like), runs G in evaluation mode and the classifier on its output without leaving the
/// device, and computes every figure of <see cref="QualityReport"/>.
/// </summary>
public sealed class QualityEvaluator : IDisposable
{
    readonly FeatureExtractor extractor;
    readonly Tensor z;
    readonly IntTensor? labels;
    readonly int[] hostLabels;

    /// <param name="latentSize">G's input width.</param>
    /// <param name="batchSize">the batch G and the classifier run at (use the training batch: G's buffers stay allocated).</param>
    /// <param name="classes">a conditional G's classes: each is asked for in turn (<see cref="ClassMatch.Asked"/>); 0: unconditional.</param>
    public QualityEvaluator(MnistClassifier classifier, ImageDataset reference, int count, int latentSize, int batchSize, int classes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        if (count <= PrecisionRecall.DefaultK) throw new ArgumentOutOfRangeException(nameof(count), count, $"needs more than {PrecisionRecall.DefaultK} samples");
        Count = count;
        extractor = new FeatureExtractor(classifier, batchSize);
        Reference = extractor.Describe(reference);
        ReferenceStatistics = GaussianStatistics.Of(Reference);
        ReferenceSource = reference.Source;
        z = classifier.Device.Allocate(batchSize, latentSize);
        Classes = classes;
        hostLabels = new int[batchSize];
        if (classes > 0) labels = classifier.Device.AllocateInts(batchSize);
    }

    /// <summary>The conditional G's classes (0: unconditional).</summary>
    public int Classes { get; }

    /// <summary>Generated samples per evaluation.</summary>
    public int Count { get; }
    public FeatureSet Reference { get; }
    public GaussianStatistics ReferenceStatistics { get; }
    public string ReferenceSource { get; }
    public FeatureExtractor Extractor => extractor;

    /// <summary>Features of <see cref="Count"/> samples of <paramref name="generator"/> (in evaluation mode already);
    /// <paramref name="fillNoise"/> fills z and is restarted by the caller for a fixed draw.</summary>
    public FeatureSet Describe(Sequential generator, Action<Tensor> fillNoise)
    {
        extractor.Begin(Count);
        generator.Labels = labels;
        for (int done = 0; done < Count; done += z.Shape[0])
        {
            if (labels != null)
            {
                for (int j = 0; j < hostLabels.Length; j++) hostLabels[j] = ClassMatch.Asked(done + j, Classes);
                labels.CopyFrom(hostLabels);
            }
            fillNoise(z);
            extractor.Add(generator.Forward(z), Math.Min(z.Shape[0], Count - done));
        }
        return extractor.End();
    }

    /// <param name="kidSubsets">KID's subsets: 100 (torch-fidelity's default) costs about 3.5 s on 2 cores; the trainer's
    /// periodic evaluations use fewer (the spread over subsets is reported with the mean).</param>
    public QualityReport Evaluate(FeatureSet fake, int kidSubsets = KernelInceptionDistance.DefaultSubsets)
    {
        var report = QualityReport.Compute(fake, Reference, ReferenceStatistics, kidSubsets: kidSubsets);
        if (Classes == 0) return report;
        var asked = new int[fake.Count];
        for (int i = 0; i < asked.Length; i++) asked[i] = ClassMatch.Asked(i, Classes);
        return report with { ClassMatch = ClassMatch.Of(fake, asked, Classes) };
    }

    public void Dispose()
    {
        extractor.Dispose();
        z.Dispose();
        labels?.Dispose();
    }
}
