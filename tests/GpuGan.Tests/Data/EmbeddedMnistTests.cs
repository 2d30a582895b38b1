using Xunit;
using GpuGan.Data;

namespace GpuGan.Tests.Data;

public class EmbeddedMnistTests
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
    public void EmbeddedSubsetRefusesOtherModelSizes()
    {
        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(null, 1, 64));
        Assert.Contains("images are 28x28 but the model expects 64x64", e.Message);
    }
}
