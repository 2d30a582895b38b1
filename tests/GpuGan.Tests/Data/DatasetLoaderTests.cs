using Xunit;
using GpuGan.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GpuGan.Tests.Data;

public class DatasetLoaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdxFolderLoadsTheTrainPair(bool gzip)
    {
        using var temp = new TempFolder();
        IdxFixtures.WritePair(temp.Path, count: 9, rows: 12, cols: 12, gzip);
        IdxFixtures.WritePair(temp.Path, count: 4, rows: 12, cols: 12, gzip, prefix: "t10k");

        var data = DatasetLoader.Load(temp.Path, channels: 1, imageSize: 12);

        Assert.Equal(9, data.Count);
        Assert.Equal((1, 12, 12), (data.Channels, data.Height, data.Width));
        Assert.Equal(IdxFixtures.Pixels(9, 12, 12), data.Pixels);
        Assert.Equal(new[] { 0, 1, 2, 0, 1, 2, 0, 1, 2 }, data.Labels);
        Assert.Equal(3, data.ClassCount);
        Assert.EndsWith("train-images-idx3-ubyte" + (gzip ? ".gz" : ""), data.Source);
    }

    [Fact]
    public void IdxFolderFallsBackToT10k()
    {
        using var temp = new TempFolder();
        IdxFixtures.WritePair(temp.Path, count: 5, rows: 8, cols: 8, gzip: true, prefix: "t10k");

        var data = DatasetLoader.Load(temp.Path, 1, 8);

        Assert.Equal(5, data.Count);
        Assert.EndsWith("t10k-images-idx3-ubyte.gz", data.Source);
    }

    [Fact]
    public void ImagesFileFindsItsLabelsBesideIt()
    {
        using var temp = new TempFolder();
        IdxFixtures.WritePair(temp.Path, count: 6, rows: 8, cols: 8, gzip: true);

        var data = DatasetLoader.Load(temp.File("train-images-idx3-ubyte.gz"), 1, 8);

        Assert.Equal(new[] { 0, 1, 2, 0, 1, 2 }, data.Labels);
    }

    [Fact]
    public void ImagesFileFindsLabelsOfTheOtherCompression()
    {
        using var temp = new TempFolder();
        IdxWriter.WriteImages(temp.File("train-images-idx3-ubyte.gz"), 4, 8, 8, IdxFixtures.Pixels(4, 8, 8), gzip: true);
        IdxWriter.WriteLabels(temp.File("train-labels-idx1-ubyte"), IdxFixtures.Labels(4), gzip: false);

        var data = DatasetLoader.Load(temp.File("train-images-idx3-ubyte.gz"), 1, 8);

        Assert.Equal(new[] { 0, 1, 2, 0 }, data.Labels);
    }

    [Fact]
    public void ImagesFileWithoutLabelsIsOneClass()
    {
        using var temp = new TempFolder();
        string path = temp.File("faces.idx3");
        IdxWriter.WriteImages(path, 3, 8, 8, IdxFixtures.Pixels(3, 8, 8), gzip: false);

        var data = DatasetLoader.Load(path, 1, 8);

        Assert.Equal(new[] { 0, 0, 0 }, data.Labels);
        Assert.Equal(1, data.ClassCount);
    }

    [Fact]
    public void IdxOfAnotherSizeIsResizedToTheModel()
    {
        using var temp = new TempFolder();
        IdxFixtures.WritePair(temp.Path, count: 3, rows: 32, cols: 32, gzip: true);

        var data = DatasetLoader.Load(temp.Path, 1, 20);

        Assert.Equal((3, 1, 20, 20), (data.Count, data.Channels, data.Height, data.Width));
        Assert.Equal(new[] { 0, 1, 2 }, data.Labels);
    }

    [Fact]
    public void IdxSizeDifferentFromTheModelIsRejectedWithoutResize()
    {
        using var temp = new TempFolder();
        IdxFixtures.WritePair(temp.Path, count: 2, rows: 32, cols: 32, gzip: true);
        string images = temp.File("train-images-idx3-ubyte.gz");

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(temp.Path, 1, 28, resize: false));

        Assert.StartsWith($"{images}: images are 32x32, expected 28x28", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void NonSquareIdxIsResizedAndCroppedLikeTheSameImageInAFolder()
    {
        using var temp = new TempFolder();
        // 12 high x 30 wide, a diagonal-ish pattern: the shorter side is scaled to 8, the centre 8x8 cut out.
        const int rows = 12, cols = 30;
        var pixels = new byte[rows * cols];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++)
                pixels[y * cols + x] = (byte)(x * 8 + y * 5);
        string idx = temp.File("faces-images-idx3-ubyte");
        IdxWriter.WriteImages(idx, 1, rows, cols, pixels, gzip: false);
        string folder = temp.Folder("png");
        using (var image = Image.LoadPixelData<L8>(pixels, cols, rows))
            image.SaveAsPng(Path.Combine(folder, "one.png"));

        var fromIdx = DatasetLoader.Load(idx, 1, 8);
        var fromFolder = DatasetLoader.Load(folder, 1, 8);

        Assert.Equal((1, 8, 8), (fromIdx.Channels, fromIdx.Height, fromIdx.Width));
        Assert.Equal(fromFolder.Pixels, fromIdx.Pixels);
    }

    [Fact]
    public void IdxWithRgbModelIsRejected()
    {
        using var temp = new TempFolder();
        IdxFixtures.WritePair(temp.Path, count: 2, rows: 8, cols: 8, gzip: false);

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(temp.Path, 3, 8));

        Assert.Contains("grayscale (1 channel) but the model expects 3 channels", e.Message);
    }

    [Fact]
    public void LabelsCountMismatchIsRejected()
    {
        using var temp = new TempFolder();
        IdxWriter.WriteImages(temp.File("train-images-idx3-ubyte.gz"), 5, 4, 4, IdxFixtures.Pixels(5, 4, 4), gzip: true);
        string labels = temp.File("train-labels-idx1-ubyte.gz");
        IdxWriter.WriteLabels(labels, IdxFixtures.Labels(4), gzip: true);

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(temp.Path, 1, 4));

        Assert.Equal($"{labels}: 4 labels but train-images-idx3-ubyte.gz has 5 images", e.Message);
    }

    [Fact]
    public void IdxFolderWithoutLabelsIsRejected()
    {
        using var temp = new TempFolder();
        IdxWriter.WriteImages(temp.File("train-images-idx3-ubyte"), 2, 4, 4, IdxFixtures.Pixels(2, 4, 4), gzip: false);

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(temp.Path, 1, 4));

        Assert.StartsWith($"{temp.Path}: has train-images-idx3-ubyte but no matching labels file", e.Message);
    }

    [Fact]
    public void MissingPathIsADataException()
    {
        using var temp = new TempFolder();
        string path = temp.File("does-not-exist");

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(path, 1, 28));

        Assert.Equal($"{path}: no such file or folder", e.Message);
    }

    [Fact]
    public void EmptyFolderIsADataException()
    {
        using var temp = new TempFolder();

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(temp.Path, 1, 28));

        Assert.StartsWith($"{temp.Path}: no images found", e.Message);
    }

    [Fact]
    public void BadModelShapeIsADataException()
    {
        Assert.Throws<DataException>(() => DatasetLoader.Load(null, 2, 28));
        Assert.Throws<DataException>(() => DatasetLoader.Load(null, 1, 0));
    }
}
