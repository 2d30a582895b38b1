using GpuGan.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace GpuGan.Training;

/// <summary>
/// Writes images in [-1, 1] (N, C, H, W) as one grid, like torchvision's make_grid (2-pixel gaps); the file's extension
/// picks the format: .png, .jpg/.jpeg or .bmp.
/// </summary>
public static class SampleGrid
{
    /// <summary>The PNG text keyword under which a conditional model's grid keeps each image's class, row by row, comma-separated.</summary>
    public const string ClassesKeyword = "gpugan:classes";

    /// <summary>The extensions <see cref="Save"/> writes, as messages list them.</summary>
    public const string Extensions = ".png, .jpg, .jpeg or .bmp";

    /// <summary>
    /// The encoder for <paramref name="path"/>'s extension, or an <see cref="ArgumentException"/> naming the path when the
    /// extension is missing or not one of <see cref="Extensions"/>, or the path is a folder. Cheap: check before the work.
    /// </summary>
    public static IImageEncoder EncoderFor(string path)
    {
        if (Directory.Exists(path)) throw new ArgumentException($"{path} is a folder; give a file name such as {Path.Combine(path, "samples.png")}");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => new PngEncoder(),
            ".jpg" or ".jpeg" => new JpegEncoder { Quality = 95 },
            ".bmp" => new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 },
            "" => throw new ArgumentException($"{path} has no extension; the extension picks the image format ({Extensions})"),
            var ext => throw new ArgumentException($"{path}: cannot write '{ext}' images (expected {Extensions})"),
        };
    }

    /// <param name="classes">the class each image was drawn for (conditional models), kept in the PNG as <see cref="ClassesKeyword"/></param>
    public static void Save(string path, ReadOnlySpan<float> images, int count, int channels, int height, int width, int columns = 8, int padding = 2,
        IReadOnlyList<int>? classes = null)
    {
        if (count < 1) throw new ArgumentException("a grid needs at least one image");
        var encoder = EncoderFor(path);
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
            // PNG keeps them as text; JPEG and BMP have no such field, so those grids carry no labels.
            image.Metadata.GetPngMetadata().TextData.Add(new PngTextData(ClassesKeyword, string.Join(",", classes), "", ""));
        }
        // Written beside the target and moved over it (AtomicFile), so a reader never sees half a file; never left behind.
        AtomicFile.Write(path, fs => image.Save(fs, encoder));
    }

    static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round((v + 1f) * 127.5f), 0f, 255f);
}
