using System.Buffers.Binary;
using System.IO.Compression;

namespace GpuGan.Data;

/// <summary>Writes IDX images and labels files, raw or gzip (for converters and test fixtures).</summary>
public static class IdxWriter
{
    public static void WriteImages(string path, int count, int rows, int cols, ReadOnlySpan<byte> pixels, bool gzip)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (pixels.Length != (long)count * rows * cols)
            throw new ArgumentException($"{pixels.Length} pixel bytes given for {count} images of {rows}x{cols}", nameof(pixels));
        Span<byte> header = stackalloc byte[IdxFormat.ImagesHeaderBytes];
        BinaryPrimitives.WriteUInt32BigEndian(header, IdxFormat.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], rows);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], cols);
        Write(path, header, pixels, gzip);
    }

    public static void WriteLabels(string path, ReadOnlySpan<byte> labels, bool gzip)
    {
        Span<byte> header = stackalloc byte[IdxFormat.LabelsHeaderBytes];
        BinaryPrimitives.WriteUInt32BigEndian(header, IdxFormat.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        Write(path, header, labels, gzip);
    }

    private static void Write(string path, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, bool gzip)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        if (gzip)
        {
            // .NET's GZipStream writes mtime 0, so the output is deterministic.
            using var zipped = new GZipStream(file, CompressionLevel.Optimal);
            zipped.Write(header);
            zipped.Write(payload);
        }
        else
        {
            file.Write(header);
            file.Write(payload);
        }
    }
}
