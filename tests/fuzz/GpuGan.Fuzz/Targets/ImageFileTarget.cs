using GpuGan.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace GpuGan.Fuzz.Targets;

/// <summary>ImageFolderReader.Load on a folder of one image (PNG, JPEG or BMP: ImageSharp 2.1.13 goes by the
/// content), decoded to 28x28 grayscale, or RGB for inputs of odd length, so both conversions are fuzzed.</summary>
public sealed class ImageFileTarget : FuzzTarget
{
    public override string Name => "image";
    public override string Description => "ImageFolderReader.Load: one PNG/JPEG/BMP through ImageSharp, resized and cropped to 28x28";
    public override string FileName => "images/input.png";
    public override IReadOnlyList<Type> Errors => [typeof(DataException)];

    // Decoders allocate per declared pixel, not per input byte: the reader refuses images over
    // ImageFolderReader.MaxPixels, and a decoded pixel costs at most this many bytes (Rgba64 frame, row buffers).
    const long BytesPerDeclaredPixel = 24;
    public override long AllocationBound(long inputBytes) =>
        64 * MiB + 64 * inputBytes + BytesPerDeclaredPixel * ImageFolderReader.MaxPixels;

    public override string Read(string path)
    {
        int channels = new FileInfo(path).Length % 2 == 0 ? 1 : 3;
        var data = ImageFolderReader.Load(Path.GetDirectoryName(path)!, channels, 28);
        return $"{data.Count} image, {channels} channel{(channels == 1 ? "" : "s")}";
    }

    public override IEnumerable<(string, byte[])> Seeds()
    {
        yield return ("gray-5x4.png", Encode(new Image<L8>(5, 4, new L8(200)), new PngEncoder()));
        yield return ("rgb-7x3.png", Encode(new Image<Rgb24>(7, 3, new Rgb24(10, 200, 30)), new PngEncoder()));
        yield return ("rgba16-3x3.png", Encode(new Image<Rgba64>(3, 3, new Rgba64(1, 60000, 2, 30000)), new PngEncoder { BitDepth = PngBitDepth.Bit16 }));
        yield return ("gray-9x9.jpg", Encode(new Image<L8>(9, 9, new L8(90)), new JpegEncoder { Quality = 50 }));
        yield return ("rgb-16x8.jpg", Encode(new Image<Rgb24>(16, 8, new Rgb24(250, 5, 5)), new JpegEncoder { Quality = 75 }));
        yield return ("rgb-3x5.bmp", Encode(new Image<Rgb24>(3, 5, new Rgb24(1, 2, 3)), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 }));
        yield return ("gray-4x4.bmp", Encode(new Image<L8>(4, 4, new L8(128)), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 }));
    }

    static byte[] Encode<TPixel>(Image<TPixel> image, SixLabors.ImageSharp.Formats.IImageEncoder encoder) where TPixel : unmanaged, IPixel<TPixel>
    {
        using (image)
        using (var ms = new MemoryStream())
        {
            image.Save(ms, encoder);
            return ms.ToArray();
        }
    }
}
