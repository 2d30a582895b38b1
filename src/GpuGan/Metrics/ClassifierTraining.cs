using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Losses;
using GpuGan.Optim;
using GpuGan.Rng;

namespace GpuGan.Metrics;

/// <summary>How the MNIST classifier is trained: Adam with a cosine learning-rate decay to 0 over the run, each digit
/// shifted by up to <see cref="Shift"/> pixels in x and y (9,000 digits are few: without it the network memorises them).</summary>
public sealed record ClassifierTrainOptions
{
    public int Epochs { get; init; } = 15;
    public int BatchSize { get; init; } = 64;
    public float Lr { get; init; } = 1e-3f;
    public ulong Seed { get; init; } = 1;
    public int Shift { get; init; } = 2;
}

/// <summary>One epoch's figures, for a progress line.</summary>
public sealed record ClassifierEpoch(int Epoch, double MeanLoss, double TrainAccuracy, double HeldOutAccuracy, TimeSpan Elapsed);

/// <summary>Trains <see cref="MnistClassifier"/> with softmax cross-entropy on labelled digits.</summary>
public static class ClassifierTraining
{
    public static MnistClassifier Train(ComputeDevice dev, ImageDataset train, ImageDataset heldOut, ClassifierTrainOptions o,
        Action<ClassifierEpoch>? progress = null, CancellationToken stop = default)
    {
        foreach (var d in new[] { train, heldOut })
            if (d.Channels != 1 || d.Height != MnistClassifier.ImageSize || d.Width != MnistClassifier.ImageSize)
                throw new DataException(d.Source, $"images are {d.Channels}x{d.Height}x{d.Width}; the MNIST classifier takes 1x28x28");
        if (train.ClassCount > MnistClassifier.ClassCount || train.Labels.Any(l => l is < 0 or >= MnistClassifier.ClassCount))
            throw new DataException(train.Source, $"labels must be digits 0-9");
        var classifier = new MnistClassifier(dev);
        try
        {
            classifier.Initialize(new NoiseGenerator(dev, o.Seed, 0));
            var sampler = new BatchSampler(train, o.BatchSize, o.Seed);
            using var adam = new Adam(dev, classifier.Parameters, new AdamOptions(o.Lr, 0.9f, 0.999f));
            using var loss = new SoftmaxCrossEntropy(dev);
            using var x = dev.Allocate(o.BatchSize, 1, MnistClassifier.ImageSize, MnistClassifier.ImageSize);
            using var labels = dev.AllocateInts(o.BatchSize);
            using var extractor = new FeatureExtractor(classifier, 100);
            var hostX = new float[sampler.BatchFloats];
            var hostLabels = new int[o.BatchSize];
            var shifted = new float[hostX.Length];
            var augment = new SplitMix64(o.Seed ^ 0x5eed5eedUL);
            long total = (long)o.Epochs * sampler.BatchesPerEpoch, step = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                double lossSum = 0;
                int correct = 0, seen = 0;
                classifier.Body.Training = true;
                for (int b = 0; b < sampler.BatchesPerEpoch; b++, step++)
                {
                    stop.ThrowIfCancellationRequested();
                    sampler.NextBatch(hostX, hostLabels);
                    if (o.Shift > 0) ShiftImages(hostX, shifted, o.Shift, ref augment);
                    x.CopyFrom(o.Shift > 0 ? shifted : hostX);
                    labels.CopyFrom(hostLabels);
                    adam.LearningRate = (float)(o.Lr * 0.5 * (1 + Math.Cos(Math.PI * step / total)));
                    adam.ZeroGrad();
                    classifier.Backward(loss.Forward(classifier.Forward(x), labels));
                    adam.Step();
                    var s = loss.ReadStats();     // a sync per step: on the CPU the host waits anyway; a one-off training, even on a GPU
                    lossSum += s.Loss * s.Count;
                    correct += s.Correct;
                    seen += s.Count;
                }
                double heldOutAccuracy = Accuracy(extractor, heldOut);
                progress?.Invoke(new ClassifierEpoch(epoch, lossSum / seen, (double)correct / seen, heldOutAccuracy, clock.Elapsed));
            }
            return classifier;
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    // Each 28x28 image moved by (dx, dy) in [-shift, shift]; uncovered pixels are background (-1).
    static void ShiftImages(float[] source, float[] target, int shift, ref SplitMix64 rng)
    {
        const int S = MnistClassifier.ImageSize;
        for (int n = 0; n < source.Length / (S * S); n++)
        {
            int dx = (int)rng.NextBelow((uint)(2 * shift + 1)) - shift, dy = (int)rng.NextBelow((uint)(2 * shift + 1)) - shift;
            var src = source.AsSpan(n * S * S, S * S);
            var dst = target.AsSpan(n * S * S, S * S);
            for (int y = 0; y < S; y++)
                for (int xx = 0; xx < S; xx++)
                {
                    int sy = y - dy, sx = xx - dx;
                    dst[y * S + xx] = sy is >= 0 and < S && sx is >= 0 and < S ? src[sy * S + sx] : -1f;
                }
        }
    }

    /// <summary>The fraction of <paramref name="data"/> whose most probable class is its label.</summary>
    public static double Accuracy(FeatureExtractor extractor, ImageDataset data)
    {
        var set = extractor.Describe(data);
        int right = 0;
        for (int i = 0; i < set.Count; i++)
            if (set.PredictedClass(i) == data.Labels[i]) right++;
        return (double)right / set.Count;
    }
}
