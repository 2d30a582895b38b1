namespace GpuGan.Data;

/// <summary>
/// A set of equally sized images held in memory as bytes (N*C*H*W, CHW order
/// per image, 0..255) with one class label per image. Bytes rather than floats
/// keep memory at a quarter; images are scaled to [-1, 1] as they are copied
/// into a batch.
/// </summary>
public sealed class ImageDataset
{
    // p / 127.5 - 1 for every byte value, so conversion is a table lookup.
    private static readonly float[] Scale = BuildScale();

    /// <summary>The value of each byte value 0..255 in a batch (p/127.5 - 1): the one table host and device batches are made with.</summary>
    public static ReadOnlySpan<float> PixelScale => Scale;

    public ImageDataset(string source, int channels, int height, int width, byte[] pixels, int[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        long imageSize = (long)channels * height * width;
        if (pixels.Length % imageSize != 0 || pixels.Length / imageSize != labels.Length)
            throw new ArgumentException($"{pixels.Length} pixel bytes and {labels.Length} labels do not make whole {channels}x{height}x{width} images");
        foreach (int label in labels)
            if ((uint)label >= (uint)classCount)
                throw new ArgumentException($"label {label} is outside 0..{classCount - 1}", nameof(labels));

        Source = source;
        Channels = channels;
        Height = height;
        Width = width;
        Pixels = pixels;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>Where the images came from (a path, or a description of the embedded set).</summary>
    public string Source { get; }
    public int Count => Labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int ClassCount { get; }

    /// <summary>Floats per image: Channels * Height * Width.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>All images, N*C*H*W bytes in CHW order.</summary>
    public byte[] Pixels { get; }

    /// <summary>Class label of each image, 0..ClassCount-1.</summary>
    public int[] Labels { get; }

    /// <summary>The bytes of one image (CHW).</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(checked(index * ImageSize), ImageSize);

    /// <summary>Copies one image into <paramref name="destination"/> (length ImageSize), scaled to [-1, 1] as p/127.5 - 1.</summary>
    public void CopyImage(int index, Span<float> destination)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"dataset has {Count} images");
        int size = ImageSize;
        if (destination.Length != size)
            throw new ArgumentException($"destination holds {destination.Length} floats, an image is {size}", nameof(destination));
        ReadOnlySpan<byte> source = Pixels.AsSpan(index * size, size);
        float[] scale = Scale;
        for (int i = 0; i < source.Length; i++)
            destination[i] = scale[source[i]];
    }

    public override string ToString() => $"{Source}: {Text.Count.Of(Count, "image")} {Channels}x{Height}x{Width}, {Text.Count.Of(ClassCount, "class", "classes")}";

    private static float[] BuildScale()
    {
        var table = new float[256];
        for (int p = 0; p < 256; p++)
            table[p] = p / 127.5f - 1f;
        return table;
    }
}
