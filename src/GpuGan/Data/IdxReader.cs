using System.Buffers.Binary;
using System.IO.Compression;

namespace GpuGan.Data;

/// <summary>
/// Reads IDX images (idx3) and labels (idx1) files, raw or gzip. Gzip is
/// recognised by its magic bytes, not by the file name. The header is
/// checked before any large allocation and the payload must have exactly
/// the length the header announces.
/// </summary>
public static class IdxReader
{
    public static IdxImages ReadImages(string path)
    {
        return Read(path, stream =>
        {
            Span<byte> header = stackalloc byte[IdxFormat.ImagesHeaderBytes];
            ReadHeader(path, stream, header, "IDX image");
            CheckMagic(path, header, IdxFormat.ImagesMagic, "IDX image");
            long count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            long rows = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
            long cols = BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
            if (count == 0 || rows == 0 || cols == 0)
                throw new DataException(path, $"empty IDX image file ({count} images of {rows}x{cols})");
            if (rows > IdxFormat.MaxSide || cols > IdxFormat.MaxSide)
                throw new DataException(path, $"implausible image size {rows}x{cols} (at most {IdxFormat.MaxSide}x{IdxFormat.MaxSide}); the header is probably corrupt");
            long bytes = count * rows * cols;
            if (bytes > IdxFormat.MaxPixelBytes)
                throw new DataException(path, $"implausible size: {count} images of {rows}x{cols} is {bytes:N0} bytes (at most {IdxFormat.MaxPixelBytes:N0}); the header is probably corrupt");
            byte[] pixels = ReadPayload(path, stream, (int)bytes, IdxFormat.ImagesHeaderBytes);
            return new IdxImages((int)count, (int)rows, (int)cols, pixels);
        });
    }

    public static byte[] ReadLabels(string path)
    {
        return Read(path, stream =>
        {
            Span<byte> header = stackalloc byte[IdxFormat.LabelsHeaderBytes];
            ReadHeader(path, stream, header, "IDX label");
            CheckMagic(path, header, IdxFormat.LabelsMagic, "IDX label");
            long count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            if (count == 0)
                throw new DataException(path, "empty IDX label file (0 labels)");
            if (count > IdxFormat.MaxLabels)
                throw new DataException(path, $"implausible label count {count:N0} (at most {IdxFormat.MaxLabels:N0}); the header is probably corrupt");
            return ReadPayload(path, stream, (int)count, IdxFormat.LabelsHeaderBytes);
        });
    }

    /// <summary>Opens the file (through gzip if it starts with 1f 8b) and turns I/O failures into DataException.</summary>
    private static T Read<T>(string path, Func<Stream, T> parse)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            bool gzip = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            if (!gzip)
                return parse(file);
            T result;
            var checkedData = new GzipTrailerCheck(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true));
            using (checkedData)
                result = parse(checkedData);
            if (!checkedData.MatchesTrailer(file))
                throw new DataException(path, "truncated or corrupt gzip file (the CRC/length trailer does not match the data; multi-member gzip files are not supported, re-compress with gzip)");
            return result;
        }
        catch (FileNotFoundException) { throw new DataException(path, "file not found"); }
        catch (DirectoryNotFoundException) { throw new DataException(path, "file not found"); }
        catch (UnauthorizedAccessException) { throw new DataException(path, "permission denied"); }
        catch (InvalidDataException e) { throw new DataException(path, $"corrupt gzip data ({Text.OneLine.Of(e.Message, Text.OneLine.ParserMessageMax)})", e); }
        catch (IOException e) { throw new DataException(path, $"read error ({Text.OneLine.Of(e.Message, Text.OneLine.ParserMessageMax)})", e); }
    }

    private static void ReadHeader(string path, Stream stream, Span<byte> header, string kind)
    {
        int got = ReadFully(stream, header);
        if (got < header.Length)
            throw new DataException(path, $"not an {kind} file (only {got} bytes, shorter than the {header.Length}-byte header)");
    }

    private static void CheckMagic(string path, ReadOnlySpan<byte> header, uint expected, string kind)
    {
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic != expected)
            throw new DataException(path, $"not an {kind} file (magic 0x{magic:x8}, expected 0x{expected:x8})");
    }

    private static byte[] ReadPayload(string path, Stream stream, int length, int headerBytes)
    {
        // The allocation follows the data, not the header: a raw file's size is checked first, and gzip data is read
        // into a buffer that doubles as it fills, so a corrupt count costs at most twice what the file really holds.
        DataException Truncated(long found) =>
            new(path, $"truncated: header announces {length:N0} bytes of data after the {headerBytes}-byte header, found {found:N0}");
        if (stream is FileStream raw && raw.Length - headerBytes < length) throw Truncated(raw.Length - headerBytes);
        var payload = new byte[Math.Min(length, 1 << 20)];
        int got = 0;
        while (true)
        {
            got += ReadFully(stream, payload.AsSpan(got));
            if (got < payload.Length || payload.Length == length) break;
            Array.Resize(ref payload, (int)Math.Min(length, 2L * payload.Length));
        }
        if (got < length) throw Truncated(got);
        Span<byte> extra = stackalloc byte[1];
        if (stream.Read(extra) != 0)
            throw new DataException(path, $"unexpected data after the {length:N0} bytes the header announces; the file is corrupt or not an IDX file");
        return payload;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
