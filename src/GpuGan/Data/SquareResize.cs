using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GpuGan.Data;

/// <summary>
/// The one resize of the data loaders (image folders and IDX files): scale so the shorter side is the requested
/// size, then cut the centre square (torchvision Resize + CenterCrop), with ImageSharp's triangle filter —
/// bilinear, like torchvision's default. A square image is only scaled.
/// </summary>
internal static class SquareResize
{
    /// <summary>Resizes <paramref name="image"/> in place to <paramref name="size"/> x <paramref name="size"/> (nothing when it already is).</summary>
    public static void Apply<TPixel>(Image<TPixel> image, int size) where TPixel : unmanaged, IPixel<TPixel>
    {
        if (image.Width == size && image.Height == size)
            return;
        image.Mutate(x => x.Resize(new ResizeOptions
        {
            Size = new Size(size, size),
            Mode = ResizeMode.Crop,              // scale to cover the square, then cut the overhang
            Position = AnchorPositionMode.Center,
            Sampler = KnownResamplers.Triangle,  // bilinear, like torchvision's default
        }));
    }

    /// <summary>Copies a grayscale image's rows into <paramref name="destination"/> (Width * Height bytes, row-major).</summary>
    public static void CopyGray(Image<L8> image, Span<byte> destination)
    {
        int offset = 0;
        for (int y = 0; y < image.Height; y++)
        {
            // Safe here: the image is not mutated while the row is in use.
            foreach (L8 pixel in image.DangerousGetPixelRowMemory(y).Span)
                destination[offset++] = pixel.PackedValue;
        }
    }

    /// <summary>
    /// Resizes <paramref name="count"/> grayscale images of <paramref name="rows"/> x <paramref name="cols"/> bytes
    /// (row-major, one after another) to <paramref name="size"/> x <paramref name="size"/> each (the caller checks
    /// that the result fits in one array).
    /// </summary>
    public static byte[] Gray(byte[] pixels, int count, int rows, int cols, int size)
    {
        int inBytes = rows * cols;
        int outBytes = size * size;
        var result = new byte[checked((long)outBytes * count)];
        // Images are independent; resizing dominates (as decoding does for image folders).
        Parallel.For(0, count, i =>
        {
            using var image = Image.LoadPixelData<L8>(pixels.AsSpan(i * inBytes, inBytes), cols, rows);
            Apply(image, size);
            CopyGray(image, result.AsSpan(i * outBytes, outBytes));
        });
        return result;
    }
}
