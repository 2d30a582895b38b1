using System.Buffers.Binary;
using System.IO.Hashing;

namespace GpuGan.Data;

/// <summary>
/// A read-only pass-through over decompressed gzip data that keeps the CRC-32
/// and length of what was read, so they can be compared with the gzip trailer.
/// GZipStream does not notice a file cut inside (or just before) its 8-byte
/// trailer; this does.
/// </summary>
internal sealed class GzipTrailerCheck(Stream inner) : Stream
{
    private readonly Crc32 _crc = new();
    private long _length;

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        _crc.Append(buffer[..n]);
        _length += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>
    /// Compares what was read with the trailer (CRC-32, then length mod 2^32,
    /// little-endian) at the end of the compressed file. Only the last gzip
    /// member has its trailer there, so a multi-member file fails this check.
    /// </summary>
    public bool MatchesTrailer(Stream compressedFile)
    {
        if (compressedFile.Length < 18) // 10-byte header + 8-byte trailer at least
            return false;
        Span<byte> trailer = stackalloc byte[8];
        compressedFile.Position = compressedFile.Length - 8;
        compressedFile.ReadExactly(trailer);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer) == _crc.GetCurrentHashAsUInt32()
            && BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) == (uint)_length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
