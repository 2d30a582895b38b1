using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Losses;

namespace GpuGan.Metrics;

/// <summary>
/// Runs the classifier over images in fixed batches (its buffers are allocated once) and collects each image's
/// 128 features and p(y|x) into a <see cref="FeatureSet"/>. Images come from the host (data sets, files) or
/// straight from a device tensor of the same batch size (a generator's output, never copied to the host).
/// </summary>
public sealed class FeatureExtractor : IDisposable
{
    readonly MnistClassifier classifier;
    readonly SoftmaxCrossEntropy softmax;
    readonly Tensor input;
    readonly float[] hostImages, hostFeatures, hostProbabilities;
    float[] features = [], probabilities = [];
    int count;

    public FeatureExtractor(MnistClassifier classifier, int batchSize)
    {
        this.classifier = classifier;
        BatchSize = batchSize;
        var dev = classifier.Device;
        softmax = new SoftmaxCrossEntropy(dev);
        input = dev.Allocate(batchSize, 1, MnistClassifier.ImageSize, MnistClassifier.ImageSize);
        hostImages = new float[input.Length];
        hostFeatures = new float[batchSize * MnistClassifier.FeatureSize];
        hostProbabilities = new float[batchSize * MnistClassifier.ClassCount];
    }

    public int BatchSize { get; }
    public const int ImageFloats = MnistClassifier.ImageSize * MnistClassifier.ImageSize;

    /// <summary>Starts a new set of <paramref name="total"/> images.</summary>
    public void Begin(int total)
    {
        if (total < 1) throw new ArgumentOutOfRangeException(nameof(total), total, "needs at least one image");
        features = new float[total * MnistClassifier.FeatureSize];
        probabilities = new float[total * MnistClassifier.ClassCount];
        count = 0;
    }

    /// <summary>Adds the first <paramref name="valid"/> images of a device batch (BatchSize, 1, 28, 28) in [-1, 1].</summary>
    public void Add(Tensor images, int valid)
    {
        if (images.Length != input.Length)
            throw new ArgumentException($"images are ({images.ShapeText}), the extractor takes ({input.ShapeText})");
        classifier.Body.Training = false;
        var f = classifier.Body.Forward(images.Reshape(input.Shape));
        var p = softmax.Softmax(classifier.Head.Forward(f));
        f.CopyTo(hostFeatures);
        p.CopyTo(hostProbabilities);
        int take = Math.Min(valid, features.Length / MnistClassifier.FeatureSize - count);
        hostFeatures.AsSpan(0, take * MnistClassifier.FeatureSize).CopyTo(features.AsSpan(count * MnistClassifier.FeatureSize));
        hostProbabilities.AsSpan(0, take * MnistClassifier.ClassCount).CopyTo(probabilities.AsSpan(count * MnistClassifier.ClassCount));
        count += take;
    }

    /// <summary>Adds host images (n, 784) in [-1, 1], batch by batch.</summary>
    public void Add(ReadOnlySpan<float> images)
    {
        int n = images.Length / ImageFloats;
        for (int start = 0; start < n; start += BatchSize)
        {
            int take = Math.Min(BatchSize, n - start);
            images.Slice(start * ImageFloats, take * ImageFloats).CopyTo(hostImages);
            hostImages.AsSpan(take * ImageFloats).Clear();
            input.CopyFrom(hostImages);
            Add(input, take);
        }
    }

    /// <summary>The set of everything added since <see cref="Begin"/> (it must be complete).</summary>
    public FeatureSet End()
    {
        int expected = features.Length / MnistClassifier.FeatureSize;
        if (count != expected) throw new InvalidOperationException($"{count} of {expected} images were added");
        return new FeatureSet(count, MnistClassifier.FeatureSize, features, probabilities);
    }

    /// <summary>Features of a data set's first <paramref name="limit"/> images (all by default); the images must be 1x28x28.</summary>
    public FeatureSet Describe(ImageDataset data, int? limit = null)
    {
        if (data.Channels != 1 || data.Height != MnistClassifier.ImageSize || data.Width != MnistClassifier.ImageSize)
            throw new DataException(data.Source, $"images are {data.Channels}x{data.Height}x{data.Width}; the MNIST classifier judges 1x28x28");
        int n = Math.Min(limit ?? data.Count, data.Count);
        Begin(n);
        var all = new float[n * ImageFloats];
        for (int i = 0; i < n; i++) data.CopyImage(i, all.AsSpan(i * ImageFloats, ImageFloats));
        Add(all);
        return End();
    }

    public void Dispose()
    {
        softmax.Dispose();
        input.Dispose();
    }
}
