using Xunit;
using GpuGan.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GpuGan.Tests.Data;

public class ImageFolderReaderTests
{
    private static readonly Rgb24 Orange = new(200, 100, 50);
    private static readonly Rgb24 Blue = new(10, 20, 240);

    /// <summary>Two classes, "a" (orange) and "b" (blue), in three formats and several sizes.</summary>
    private static string MakeTwoClassFolder(TempFolder temp)
    {
        string root = temp.Folder("images");
        string b = temp.Folder("images/b"); // created first: labels must not depend on creation order
        string a = temp.Folder("images/a");
        Save(Solid(Orange, 40, 30), Path.Combine(a, "1.png"));
        Save(Solid(Orange, 17, 50), Path.Combine(a, "2.bmp"));
        Save(Solid(Orange, 64, 64), Path.Combine(a, "3.jpg"));
        Directory.CreateDirectory(Path.Combine(b, "nested"));
        Save(Solid(Blue, 28, 28), Path.Combine(b, "x.PNG"));
        Save(Solid(Blue, 100, 31), Path.Combine(b, "nested", "y.jpeg"));
        File.WriteAllText(Path.Combine(a, "notes.txt"), "not an image");
        return root;
    }

    [Fact]
    public void TwoClassFolderLoadsRgbWithLabelsSizesAndValues()
    {
        using var temp = new TempFolder();
        string root = MakeTwoClassFolder(temp);

        var data = DatasetLoader.Load(root, channels: 3, imageSize: 16);

        Assert.Equal(5, data.Count);
        Assert.Equal((3, 16, 16), (data.Channels, data.Height, data.Width));
        Assert.Equal(5 * 3 * 16 * 16, data.Pixels.Length);
        Assert.Equal(new[] { 0, 0, 0, 1, 1 }, data.Labels);
        Assert.Equal(2, data.ClassCount);

        var image = new float[data.ImageSize];
        // Lossless formats keep the colour exactly; JPEG gets a small tolerance.
        for (int i = 0; i < data.Count; i++)
        {
            data.CopyImage(i, image);
            Rgb24 colour = data.Labels[i] == 0 ? Orange : Blue;
            bool jpeg = i is 2 or 3; // 3.jpg, and nested/y.jpeg which sorts before x.PNG
            AssertPlane(image, 0, 256, colour.R, jpeg);
            AssertPlane(image, 1, 256, colour.G, jpeg);
            AssertPlane(image, 2, 256, colour.B, jpeg);
        }
        data.CopyImage(0, image);
        Assert.Equal(200 / 127.5f - 1f, image[0]);  // R plane
        Assert.Equal(100 / 127.5f - 1f, image[256]); // G plane
        Assert.Equal(50 / 127.5f - 1f, image[512]);  // B plane
    }

    [Fact]
    public void GrayscaleUsesLuminance()
    {
        using var temp = new TempFolder();
        string root = temp.Folder("gray");
        Save(Solid(new Rgb24(255, 255, 255), 20, 10), Path.Combine(root, "white.png"));
        Save(Solid(new Rgb24(0, 0, 0), 10, 20), Path.Combine(root, "black.bmp"));
        Save(Solid(Orange, 33, 33), Path.Combine(root, "orange.png"));

        var data = DatasetLoader.Load(root, channels: 1, imageSize: 28);

        Assert.Equal(3, data.Count);
        Assert.Equal((1, 28, 28), (data.Channels, data.Height, data.Width));
        Assert.Equal(new[] { 0, 0, 0 }, data.Labels); // root-only folder: one class
        Assert.Equal(1, data.ClassCount);
        var image = new float[28 * 28];
        // Files are sorted ordinally: black.bmp, orange.png, white.png.
        data.CopyImage(0, image);
        Assert.All(image, v => Assert.Equal(-1f, v));
        data.CopyImage(2, image);
        Assert.All(image, v => Assert.Equal(1f, v));
        // BT.709 luminance of (200,100,50): 0.2126*200 + 0.7152*100 + 0.0722*50 = 117.6
        Assert.All(data.Image(1).ToArray(), p => Assert.InRange(p, 116, 119));
    }

    [Fact]
    public void ResizeKeepsAspectAndCropsTheCentre()
    {
        using var temp = new TempFolder();
        string root = temp.Folder("crop");
        // 30 wide x 10 high: left third black, middle white, right third black.
        using (var image = new Image<L8>(30, 10))
        {
            for (int y = 0; y < 10; y++)
                for (int x = 10; x < 20; x++)
                    image[x, y] = new L8(255);
            image.SaveAsPng(Path.Combine(root, "stripe.png"));
        }

        var data = DatasetLoader.Load(root, channels: 1, imageSize: 10);

        // Shorter side is already 10, so only the centre 10x10 (all white) remains.
        Assert.All(data.Image(0).ToArray(), p => Assert.Equal(255, p));
    }

    [Fact]
    public void UnreadableImageIsNamed()
    {
        using var temp = new TempFolder();
        string root = MakeTwoClassFolder(temp);
        string bad = Path.Combine(root, "b", "broken.png");
        File.WriteAllBytes(bad, "this is not a png at all"u8.ToArray());

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(root, 3, 16));

        Assert.StartsWith(bad + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TruncatedPngIsNamed()
    {
        using var temp = new TempFolder();
        string root = temp.Folder("t");
        string path = Path.Combine(root, "cut.png");
        Save(Solid(Orange, 50, 50), path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(root, 1, 16));

        Assert.StartsWith(path + ": ", e.Message);
    }

    [Fact]
    public void RootImagesMixedWithClassFoldersIsRejected()
    {
        using var temp = new TempFolder();
        string root = MakeTwoClassFolder(temp);
        Save(Solid(Blue, 5, 5), Path.Combine(root, "stray.png"));

        var e = Assert.Throws<DataException>(() => DatasetLoader.Load(root, 1, 16));

        Assert.StartsWith(root + ": has both images", e.Message);
        Assert.Contains("stray.png", e.Message);
    }

    private static void AssertPlane(float[] image, int channel, int plane, byte expected, bool lossy)
    {
        float tolerance = lossy ? 4 / 127.5f : 1e-6f;
        float target = expected / 127.5f - 1f;
        for (int i = channel * plane; i < (channel + 1) * plane; i++)
            Assert.InRange(image[i], target - tolerance, target + tolerance);
    }

    private static Image<Rgb24> Solid(Rgb24 colour, int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = colour;
        return image;
    }

    private static void Save(Image<Rgb24> image, string path)
    {
        using (image)
        {
            switch (Path.GetExtension(path).ToLowerInvariant())
            {
                case ".png": image.SaveAsPng(path); break;
                case ".bmp": image.SaveAsBmp(path); break;
                default: image.SaveAsJpeg(path, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 95 }); break;
            }
        }
    }
}
