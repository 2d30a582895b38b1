using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Losses;
using GpuGan.Ops;

namespace GpuGan.Metrics;

/// <summary>
/// Runs the classifier over images in fixed batches (its buffers are allocated once) and collects each image's
/// 128 features and p(y|x) into a <see cref="FeatureSet"/>. Images come from the host (data sets, files) or
/// straight from a device tensor of the same batch size (a generator's output, never copied to the host).
/// Square 1-channel images larger than the classifier's 28x28 are scored downscaled to 28x28 on the device
/// (area averaging: <see cref="AdaptiveAvgPool2dOps"/>, PyTorch's adaptive_avg_pool2d).
/// </summary>
public sealed class FeatureExtractor : IDisposable
{
    readonly MnistClassifier classifier;
    readonly SoftmaxCrossEntropy softmax;
    readonly Tensor input;
    readonly float[] hostImages, hostFeatures, hostProbabilities;
    // host images larger than 28x28 on their way to the device: allocated on first use, for one side at a time
    Tensor? large;
    float[] hostLarge = [];
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

    /// <summary>What the extractor scores, for messages.</summary>
    public const string JudgedImages = "1-channel images of at least 28x28 (larger ones are scored downscaled to 28x28)";

    /// <summary>Whether images of channels x height x width can be scored: 1 channel, square, at least 28x28.</summary>
    public static bool Judges(int channels, int height, int width) =>
        channels == 1 && height == width && height >= MnistClassifier.ImageSize;

    /// <summary>Starts a new set of <paramref name="total"/> images.</summary>
    public void Begin(int total)
    {
        if (total < 1) throw new ArgumentOutOfRangeException(nameof(total), total, "needs at least one image");
        features = new float[total * MnistClassifier.FeatureSize];
        probabilities = new float[total * MnistClassifier.ClassCount];
        count = 0;
    }

    /// <summary>
    /// Adds the first <paramref name="valid"/> images of a device batch in [-1, 1]: (BatchSize, 1, 28, 28), or
    /// (BatchSize, 1, S, S) with S &gt; 28, downscaled to 28x28 on the device first.
    /// </summary>
    public void Add(Tensor images, int valid)
    {
        var batch = ClassifierInput(images);
        classifier.Body.Training = false;
        var f = classifier.Body.Forward(batch);
        var p = softmax.Softmax(classifier.Head.Forward(f));
        f.CopyTo(hostFeatures);
        p.CopyTo(hostProbabilities);
        int take = Math.Min(valid, features.Length / MnistClassifier.FeatureSize - count);
        hostFeatures.AsSpan(0, take * MnistClassifier.FeatureSize).CopyTo(features.AsSpan(count * MnistClassifier.FeatureSize));
        hostProbabilities.AsSpan(0, take * MnistClassifier.ClassCount).CopyTo(probabilities.AsSpan(count * MnistClassifier.ClassCount));
        count += take;
    }

    // The batch as the classifier's (BatchSize, 1, 28, 28): the images themselves, or their area downscale into input.
    Tensor ClassifierInput(Tensor images)
    {
        if (images.Length == input.Length)
            return images.Reshape(input.Shape);
        if (images.Rank != 4 || images.Shape[0] != BatchSize || !Judges(images.Shape[1], images.Shape[2], images.Shape[3]))
            throw new ArgumentException($"images are ({images.ShapeText}), the extractor takes ({BatchSize}, 1, S, S) with S >= {MnistClassifier.ImageSize}");
        // y: (BatchSize, 1, 28, 28) = mean of x: (BatchSize, 1, S, S) over each window
        AdaptiveAvgPool2dOps.Forward(input.Device, images.View, input.View, images.Shape, MnistClassifier.ImageSize, MnistClassifier.ImageSize);
        return input;
    }

    /// <summary>Adds host images (n, 784) in [-1, 1], batch by batch.</summary>
    public void Add(ReadOnlySpan<float> images) => Add(images, MnistClassifier.ImageSize);

    /// <summary>
    /// Adds host images (n, side * side) in [-1, 1], batch by batch; side &gt; 28 are downscaled to 28x28 on the
    /// device (their upload buffer is allocated on first use).
    /// </summary>
    public void Add(ReadOnlySpan<float> images, int side)
    {
        if (!Judges(1, side, side))
            throw new ArgumentOutOfRangeException(nameof(side), side, $"the extractor takes {JudgedImages}");
        int imageFloats = side * side;
        if (images.Length % imageFloats != 0)
            throw new ArgumentException($"{images.Length} floats are not whole {side}x{side} images", nameof(images));
        var (device, staging) = UploadBuffers(side);
        int n = images.Length / imageFloats;
        for (int start = 0; start < n; start += BatchSize)
        {
            int take = Math.Min(BatchSize, n - start);
            images.Slice(start * imageFloats, take * imageFloats).CopyTo(staging);
            Upload(device, staging, take);
        }
    }

    // The device batch host images of side x side go through, and its host staging array.
    (Tensor Device, float[] Host) UploadBuffers(int side)
    {
        if (side == MnistClassifier.ImageSize) return (input, hostImages);
        if (large == null || large.Shape[2] != side)
        {
            large?.Dispose();
            large = input.Device.Allocate(BatchSize, 1, side, side);
            hostLarge = new float[large.Length];
        }
        return (large, hostLarge);
    }

    // The first take images of staging (the rest zeroed) to the device, then through the classifier.
    void Upload(Tensor device, float[] staging, int take)
    {
        staging.AsSpan(take * (staging.Length / BatchSize)).Clear();
        device.CopyFrom(staging);
        Add(device, take);
    }

    /// <summary>The set of everything added since <see cref="Begin"/> (it must be complete).</summary>
    public FeatureSet End()
    {
        int expected = features.Length / MnistClassifier.FeatureSize;
        if (count != expected) throw new InvalidOperationException($"{count} of {expected} images were added");
        return new FeatureSet(count, MnistClassifier.FeatureSize, features, probabilities);
    }

    /// <summary>Features of a data set's first <paramref name="limit"/> images (all by default); the images must be
    /// 1xSxS with S &gt;= 28 (larger ones are downscaled to 28x28 on the device).</summary>
    public FeatureSet Describe(ImageDataset data, int? limit = null)
    {
        if (!Judges(data.Channels, data.Height, data.Width))
            throw new DataException(data.Source, $"images are {data.Channels}x{data.Height}x{data.Width}; the MNIST classifier judges square {JudgedImages}");
        int n = Math.Min(limit ?? data.Count, data.Count);
        int imageFloats = data.ImageSize;
        Begin(n);
        var (device, staging) = UploadBuffers(data.Height);
        for (int start = 0; start < n; start += BatchSize)
        {
            int take = Math.Min(BatchSize, n - start);
            for (int i = 0; i < take; i++) data.CopyImage(start + i, staging.AsSpan(i * imageFloats, imageFloats));
            Upload(device, staging, take);
        }
        return End();
    }

    public void Dispose()
    {
        softmax.Dispose();
        input.Dispose();
        large?.Dispose();
    }
}
