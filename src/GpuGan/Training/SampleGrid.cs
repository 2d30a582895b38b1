using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace GpuGan.Training;

/// <summary>Writes images in [-1, 1] (N, C, H, W) as one PNG grid, like torchvision's make_grid (2-pixel gaps).</summary>
public static class SampleGrid
{
    /// <summary>The PNG text keyword under which a conditional model's grid keeps each image's class, row by row, comma-separated.</summary>
    public const string ClassesKeyword = "gpugan:classes";

    /// <param name="classes">the class each image was drawn for (conditional models), kept in the PNG as <see cref="ClassesKeyword"/></param>
    public static void Save(string path, ReadOnlySpan<float> images, int count, int channels, int height, int width, int columns = 8, int padding = 2,
        IReadOnlyList<int>? classes = null)
    {
        if (count < 1) throw new ArgumentException("a grid needs at least one image");
        columns = Math.Min(columns, count);
        int rows = (count + columns - 1) / columns;
        int gridW = columns * (width + padding) + padding, gridH = rows * (height + padding) + padding;
        using var image = new Image<Rgb24>(gridW, gridH, new Rgb24(0, 0, 0));
        int plane = height * width;
        for (int n = 0; n < count; n++)
        {
            int x0 = padding + (n % columns) * (width + padding), y0 = padding + (n / columns) * (height + padding);
            var img = images.Slice(n * channels * plane, channels * plane);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int i = y * width + x;
                    byte r = ToByte(img[i]);
                    byte g = channels == 3 ? ToByte(img[plane + i]) : r;
                    byte b = channels == 3 ? ToByte(img[2 * plane + i]) : r;
                    image[x0 + x, y0 + y] = new Rgb24(r, g, b);
                }
        }
        if (classes != null)
        {
            if (classes.Count != count) throw new ArgumentException($"{classes.Count} classes for {count} images", nameof(classes));
            image.Metadata.GetPngMetadata().TextData.Add(new PngTextData(ClassesKeyword, string.Join(",", classes), "", ""));
        }
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.tmp");
        image.SaveAsPng(temp);
        File.Move(temp, path, overwrite: true);
    }

    static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round((v + 1f) * 127.5f), 0f, 255f);
}
