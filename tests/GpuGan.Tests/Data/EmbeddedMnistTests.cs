using Xunit;
using Xunit.Abstractions;
using GpuGan.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GpuGan.Tests.Data;

public class EmbeddedMnistTests(ITestOutputHelper output)
{
    [Fact]
    public void TrainSubsetLoadsWithPlausibleContent()
    {
        var data = DatasetLoader.Load(null, channels: 1, imageSize: 28);

        Assert.Equal(9000, data.Count);
        Assert.Equal((1, 28, 28), (data.Channels, data.Height, data.Width));
        Assert.Equal(10, data.ClassCount);

        var perClass = new int[10];
        foreach (int label in data.Labels)
            perClass[label]++;
        // The package has 863 (digit 5) to 1,127 (digit 1) per class; 90% of them go to train.
        Assert.All(perClass, n => Assert.InRange(n, 700, 1100));
        Assert.Equal(new[] { 902, 1009, 889, 934, 869, 784, 925, 979, 846, 863 }, perClass);

        Assert.Equal(0, data.Pixels.Min());
        Assert.Equal(255, data.Pixels.Max());
        double mean = data.Pixels.Average(p => (double)p);
        Assert.InRange(mean, 28, 38); // MNIST's mean is about 33 of 255
        // MNIST is white strokes on black, so every top-left corner pixel is 0.
        Assert.All(Enumerable.Range(0, data.Count), i => Assert.Equal(0, data.Image(i)[0]));
    }

    [Fact]
    public void HeldOutSubsetIsTheOtherThousand()
    {
        var heldOut = DatasetLoader.LoadEmbedded(heldOut: true);

        Assert.Equal(1000, heldOut.Count);
        Assert.Equal((1, 28, 28), (heldOut.Channels, heldOut.Height, heldOut.Width));
        Assert.Equal(10, heldOut.ClassCount);
        Assert.EndsWith("t10k-images-idx3-ubyte.gz", heldOut.Source);
    }

    [Fact]
    public void EmbeddedSubsetIsResizedToOtherModelSizes()
    {
        var original = DatasetLoader.LoadEmbedded();
        var data = DatasetLoader.Load(null, channels: 1, imageSize: 64);

        Assert.Equal(9000, data.Count);
        Assert.Equal((1, 64, 64), (data.Channels, data.Height, data.Width));
        Assert.Equal(original.Labels, data.Labels);
        Assert.Equal(original.ClassCount, data.ClassCount);
        // Bilinear upscaling keeps each digit's mean brightness (the triangle filter's weights sum to 1).
        double worst = 0, total = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double before = Mean(original.Image(i)), after = Mean(data.Image(i));
            double relative = Math.Abs(after - before) / before;
            worst = Math.Max(worst, relative);
            total += relative;
        }
        output.WriteLine($"relative change of a digit's mean brightness 28 -> 64: mean {total / data.Count:P3}, largest {worst:P3}");
        Assert.True(total / data.Count < 0.01, $"mean relative change of a digit's mean {total / data.Count:P2}");
        Assert.True(worst < 0.05, $"largest relative change of a digit's mean {worst:P2}");
    }

    [Fact]
    public void ResizedDigitIsImageSharpsBilinearResizeOfTheSameBytes()
    {
        var original = DatasetLoader.LoadEmbedded(heldOut: true);
        var resized = DatasetLoader.LoadEmbedded(imageSize: 64, heldOut: true);

        // An independent plain resize of image 7: square to square needs no crop.
        using var image = Image.LoadPixelData<L8>(original.Image(7), 28, 28);
        image.Mutate(x => x.Resize(64, 64, KnownResamplers.Triangle));
        var expected = new byte[64 * 64];
        image.CopyPixelDataTo(expected);

        Assert.Equal(expected, resized.Image(7).ToArray());
    }

    [Fact]
    public void EmbeddedSubsetRefusesOtherSizesWithoutResize()
    {
        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(null, 1, 64, resize: false));
        Assert.Contains("images are 28x28, expected 64x64", e.Message);
    }

    static double Mean(ReadOnlySpan<byte> pixels)
    {
        long sum = 0;
        foreach (byte p in pixels) sum += p;
        return (double)sum / pixels.Length;
    }
}
