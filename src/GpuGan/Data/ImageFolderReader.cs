using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

using GpuGan.Text;

namespace GpuGan.Data;

/// <summary>
/// Loads a folder of PNG/JPEG/BMP images into an <see cref="ImageDataset"/>.
/// Each sub-folder is a class (labels in ordinal order of the folder names,
/// images found recursively inside it); a folder with images only at its
/// root is a single class 0. Every image is decoded once, converted to
/// grayscale or RGB, resized so its shorter side is the requested size and
/// centre-cropped to a square (torchvision Resize + CenterCrop), and stored
/// as bytes.
/// </summary>
public static class ImageFolderReader
{
    /// <summary>Pixels an image may declare (2^25, e.g. 8192x4096 or a 24 Mpx photo). Decoders allocate for the
    /// declared size before reading the data, so a few hundred bytes could otherwise ask for gigabytes.</summary>
    public const long MaxPixels = 1L << 25;

    // Only the formats the folder reader takes: ImageSharp goes by content, and its GIF, TIFF, TGA, WebP and PBM
    // decoders (multi-frame ones among them) would otherwise read whatever a .png file really holds.
    // Plain GC arrays instead of ImageSharp's unmanaged pool: each image is decoded once, and the memory a decode
    // takes is then counted like the rest (the fuzz targets bound it).
    private static readonly Configuration Formats = new(new PngConfigurationModule(), new JpegConfigurationModule(), new BmpConfigurationModule())
    {
        MemoryAllocator = new SixLabors.ImageSharp.Memory.SimpleGcMemoryAllocator(),
    };

    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp" };

    public static bool IsImageFile(string path) =>
        Extensions.Contains(System.IO.Path.GetExtension(path)) && !IsHidden(path);

    /// <param name="resize">false: an image of another size is an error instead of being scaled and cropped (evaluation
    /// must judge the images as they are).</param>
    public static ImageDataset Load(string folder, int channels, int imageSize, bool resize = true)
    {
        if (channels is not (1 or 3))
            throw new DataException(folder, $"{channels} channels requested; images can be loaded as 1 (grayscale) or 3 (RGB)");
        if (imageSize < 1 || imageSize > IdxFormat.MaxSide)
            throw new DataException(folder, $"image size {imageSize} is out of range (1..{IdxFormat.MaxSide})");
        if (!Directory.Exists(folder))
            throw new DataException(folder, "folder not found");

        var (files, labels, classCount) = ListImages(folder);
        long imageBytes = (long)channels * imageSize * imageSize;
        if (imageBytes * files.Count > Array.MaxLength)
            throw new DataException(folder, $"{files.Count:N0} images of {channels}x{imageSize}x{imageSize} do not fit in memory as one array ({imageBytes * files.Count:N0} bytes)");

        var pixels = new byte[imageBytes * files.Count];
        var errors = new DataException?[files.Count];
        // Decoding dominates load time and images are independent.
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                var destination = pixels.AsSpan((int)(i * imageBytes), (int)imageBytes);
                if (channels == 1)
                    DecodeGray(files[i], imageSize, resize, destination);
                else
                    DecodeRgb(files[i], imageSize, resize, destination);
            }
            catch (DataException e) { errors[i] = e; }
        });
        // Report the first failing file in listing order, so the message is deterministic.
        foreach (var error in errors)
            if (error is not null)
                throw error;

        return new ImageDataset(folder, channels, imageSize, imageSize, pixels, labels, classCount);
    }

    private static (List<string> Files, int[] Labels, int ClassCount) ListImages(string folder)
    {
        try
        {
            var rootImages = Directory.EnumerateFiles(folder).Where(IsImageFile).Order(StringComparer.Ordinal).ToList();
            var classFolders = Directory.EnumerateDirectories(folder)
                .Where(d => !IsHidden(d))
                .Order(StringComparer.Ordinal)
                .Select(d => (Folder: d, Files: Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)
                    .Where(IsImageFile).Order(StringComparer.Ordinal).ToList()))
                .Where(c => c.Files.Count > 0)
                .ToList();

            if (classFolders.Count == 0)
            {
                if (rootImages.Count == 0)
                    throw new DataException(folder, "no images found (looked for .png, .jpg, .jpeg, .bmp, and for IDX files train-images-idx3-ubyte[.gz])");
                return (rootImages, new int[rootImages.Count], 1);
            }
            if (rootImages.Count > 0)
                throw new DataException(folder, $"has both images at its top level (e.g. {System.IO.Path.GetFileName(rootImages[0])}) and class sub-folders; put every image in a class sub-folder, or all at the top level for a single class");

            var files = new List<string>();
            var labels = new List<int>();
            for (int label = 0; label < classFolders.Count; label++)
            {
                files.AddRange(classFolders[label].Files);
                labels.AddRange(Enumerable.Repeat(label, classFolders[label].Files.Count));
            }
            return (files, labels.ToArray(), classFolders.Count);
        }
        catch (UnauthorizedAccessException e) { throw new DataException(folder, $"permission denied ({OneLine.Of(e.Message, OneLine.ParserMessageMax)})"); }
        catch (IOException e) { throw new DataException(folder, $"cannot list the folder ({OneLine.Of(e.Message, OneLine.ParserMessageMax)})"); }
    }

    private static void DecodeGray(string file, int size, bool resize, Span<byte> destination)
    {
        using var image = LoadImage<L8>(file);
        ResizeAndCrop(image, size, resize, file);
        SquareResize.CopyGray(image, destination);
    }

    private static void DecodeRgb(string file, int size, bool resize, Span<byte> destination)
    {
        using var image = LoadImage<Rgb24>(file);
        ResizeAndCrop(image, size, resize, file);
        int plane = size * size;
        int offset = 0;
        for (int y = 0; y < size; y++)
        {
            foreach (Rgb24 pixel in image.DangerousGetPixelRowMemory(y).Span)
            {
                // CHW: one plane per channel.
                destination[offset] = pixel.R;
                destination[plane + offset] = pixel.G;
                destination[2 * plane + offset] = pixel.B;
                offset++;
            }
        }
    }

    private const string Unknown = "not a readable image (unknown or unsupported format; expected PNG, JPEG or BMP)";

    private static Image<TPixel> LoadImage<TPixel>(string file) where TPixel : unmanaged, IPixel<TPixel>
    {
        FileStream stream;
        try { stream = File.OpenRead(file); }
        catch (UnauthorizedAccessException) { throw new DataException(file, "permission denied"); }
        catch (IOException e) { throw new DataException(file, $"read error ({OneLine.Of(e.Message, OneLine.ParserMessageMax)})"); }
        using (stream)
        {
            CheckBmpDataOffset(file, stream);
            IImageInfo? info;
            try
            {
                stream.Position = 0;
                info = Image.Identify(Formats, stream);
            }
            catch (Exception e) when (e is not OutOfMemoryException) { throw Corrupt(file, e); }
            if (info == null) throw new DataException(file, Unknown);
            if ((long)info.Width * info.Height > MaxPixels)
                throw new DataException(file, $"image is {info.Width}x{info.Height}, over the {MaxPixels / 1_000_000.0:F1}-megapixel limit; downscale it first");
            try
            {
                stream.Position = 0;
                return Image.Load<TPixel>(Formats, stream);
            }
            catch (Exception e) when (e is not OutOfMemoryException) { throw Corrupt(file, e); }
        }
    }

    /// <summary>
    /// Whatever ImageSharp 2.1.13's decoders throw on a malformed file is a corrupt image. Besides ImageFormatException
    /// they throw NullReferenceException (JPEG Identify, JPEG spectral conversion, BMP palettes) and
    /// DivideByZeroException (BMP) on inputs afl-fuzz found (tests/fuzz/findings/image): bugs of the library, contained
    /// here because the library is only ever handed a user's file.
    /// </summary>
    private static DataException Corrupt(string file, Exception e) => e switch
    {
        UnknownImageFormatException => new DataException(file, Unknown),
        ImageFormatException or InvalidOperationException or ArgumentException or NotSupportedException =>
            new DataException(file, $"corrupt image ({OneLine.Of(e.Message, OneLine.ParserMessageMax)})"),
        IOException => new DataException(file, $"read error ({OneLine.Of(e.Message, OneLine.ParserMessageMax)})"),
        _ => new DataException(file, $"corrupt image (the decoder failed with {e.GetType().Name})", e),
    };

    /// <summary>ImageSharp 2.1.13 allocates a BMP's colour table from the header's pixel-data offset before checking it
    /// against the file: 1.6 GB for a 1 KB file in one fuzz finding. The offset must lie inside the file.</summary>
    private static void CheckBmpDataOffset(string file, FileStream stream)
    {
        Span<byte> header = stackalloc byte[14];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || header[0] != 'B' || header[1] != 'M') return;
        uint offset = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header[10..]);
        if (offset > stream.Length)
            throw new DataException(file, $"corrupt BMP: its pixel data starts at byte {offset:N0}, past the end of the {stream.Length:N0}-byte file");
    }

    private static void ResizeAndCrop<TPixel>(Image<TPixel> image, int size, bool resize, string file) where TPixel : unmanaged, IPixel<TPixel>
    {
        if (!resize && (image.Width != size || image.Height != size))
            throw new DataException(file, $"image is {image.Width}x{image.Height}, expected {size}x{size}");
        SquareResize.Apply(image, size);
    }

    private static bool IsHidden(string path) => System.IO.Path.GetFileName(path).StartsWith('.');
}
