using GpuGan.Data;

namespace GpuGan.Metrics;

/// <summary>
/// What a figure means depends on its range, so evaluation prints two references beside it: the floor, real
/// training digits judged against the held-out ones (what a perfect generator would score at this sample
/// count), and the ceiling, uniform noise images (what no learning scores).
/// </summary>
public static class Baselines
{
    /// <summary>The first <paramref name="count"/> real training digits (at most the set's size).</summary>
    public static FeatureSet RealDigits(FeatureExtractor extractor, ImageDataset training, int count) => extractor.Describe(training, count);

    /// <summary><paramref name="count"/> images of independent uniform pixels in [-1, 1] (a seeded draw).</summary>
    public static FeatureSet UniformNoise(FeatureExtractor extractor, int count, int seed = 0)
    {
        var rng = new Random(seed);
        var images = new float[count * FeatureExtractor.ImageFloats];
        for (int i = 0; i < images.Length; i++) images[i] = (float)(rng.NextDouble() * 2 - 1);
        extractor.Begin(count);
        extractor.Add(images);
        return extractor.End();
    }
}
