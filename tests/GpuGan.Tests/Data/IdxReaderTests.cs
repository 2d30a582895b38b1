using Xunit;
using System.Buffers.Binary;
using System.IO.Compression;
using GpuGan.Data;

namespace GpuGan.Tests.Data;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripKeepsEveryByte(bool gzip)
    {
        using var temp = new TempFolder();
        // Odd sizes so row/column mix-ups would show.
        const int count = 7, rows = 5, cols = 3;
        byte[] pixels = IdxFixtures.Pixels(count, rows, cols);
        byte[] labels = IdxFixtures.Labels(count);
        string imagesPath = temp.File("images.idx");
        string labelsPath = temp.File("labels.idx");
        IdxWriter.WriteImages(imagesPath, count, rows, cols, pixels, gzip);
        IdxWriter.WriteLabels(labelsPath, labels, gzip);

        var images = IdxReader.ReadImages(imagesPath);
        Assert.Equal(count, images.Count);
        Assert.Equal(rows, images.Rows);
        Assert.Equal(cols, images.Cols);
        Assert.Equal(pixels, images.Pixels);
        Assert.Equal(labels, IdxReader.ReadLabels(labelsPath));
    }

    [Fact]
    public void GzipIsDetectedByContentNotByName()
    {
        using var temp = new TempFolder();
        string zippedWithoutGz = temp.File("train-images-idx3-ubyte");
        string rawWithGz = temp.File("other-images-idx3-ubyte.gz");
        IdxWriter.WriteImages(zippedWithoutGz, 2, 4, 4, IdxFixtures.Pixels(2, 4, 4), gzip: true);
        IdxWriter.WriteImages(rawWithGz, 2, 4, 4, IdxFixtures.Pixels(2, 4, 4), gzip: false);

        Assert.Equal(0x1f, File.ReadAllBytes(zippedWithoutGz)[0]);
        Assert.Equal(IdxFixtures.Pixels(2, 4, 4), IdxReader.ReadImages(zippedWithoutGz).Pixels);
        Assert.Equal(IdxFixtures.Pixels(2, 4, 4), IdxReader.ReadImages(rawWithGz).Pixels);
    }

    [Fact]
    public void RawFileHasTheStandardHeader()
    {
        using var temp = new TempFolder();
        string path = temp.File("x");
        IdxWriter.WriteImages(path, 2, 3, 5, IdxFixtures.Pixels(2, 3, 5), gzip: false);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(16 + 30, bytes.Length);
        Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 5 }, bytes[..16]);
    }

    [Fact]
    public void LabelsFileGivenAsImagesIsRejectedByMagic()
    {
        using var temp = new TempFolder();
        string path = temp.File("x.gz");
        IdxWriter.WriteLabels(path, IdxFixtures.Labels(10), gzip: true);

        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: not an IDX image file (magic 0x00000801, expected 0x00000803)", e.Message);
    }

    [Fact]
    public void ImagesFileGivenAsLabelsIsRejectedByMagic()
    {
        using var temp = new TempFolder();
        string path = temp.File("x");
        IdxWriter.WriteImages(path, 1, 2, 2, new byte[4], gzip: false);

        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path));
        Assert.Equal($"{path}: not an IDX label file (magic 0x00000803, expected 0x00000801)", e.Message);
    }

    [Fact]
    public void TruncatedRawFileIsRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("train-images-idx3-ubyte");
        IdxWriter.WriteImages(path, 4, 6, 6, IdxFixtures.Pixels(4, 6, 6), gzip: false);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith(path + ": truncated", e.Message);
        Assert.Contains("144 bytes", e.Message);
        Assert.Contains("found 134", e.Message);
    }

    [Fact]
    public void TruncatedHeaderIsRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("short");
        File.WriteAllBytes(path, new byte[] { 0, 0, 8, 3, 0, 0 });

        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("shorter than the 16-byte header", e.Message);
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("long");
        IdxWriter.WriteLabels(path, IdxFixtures.Labels(5), gzip: false);
        File.AppendAllText(path, "x");

        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path));
        Assert.StartsWith(path + ": unexpected data after the 5 bytes", e.Message);
    }

    [Fact]
    public void TruncatedGzipIsRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("train-images-idx3-ubyte.gz");
        // Noisy pixels so the compressed stream is long enough to cut in half.
        var pixels = new byte[50 * 9 * 11];
        new Random(1).NextBytes(pixels);
        IdxWriter.WriteImages(path, 50, 9, 11, pixels, gzip: true);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.True(e.Message.Contains("truncated") || e.Message.Contains("corrupt gzip"), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(8)] // whole trailer gone: every data byte is still there
    [InlineData(3)] // cut inside the trailer
    public void GzipCutInItsTrailerIsRejected(int cut)
    {
        using var temp = new TempFolder();
        string path = temp.File("train-labels-idx1-ubyte.gz");
        IdxWriter.WriteLabels(path, IdxFixtures.Labels(40), gzip: true);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^cut]);

        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path));
        Assert.StartsWith(path + ": truncated or corrupt gzip file", e.Message);
    }

    [Fact]
    public void GzipWithAFlippedPayloadBitIsRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("x.gz");
        IdxWriter.WriteLabels(path, IdxFixtures.Labels(40), gzip: false);
        // Store the data uncompressed inside gzip (level 0) so flipping a byte keeps the deflate stream valid.
        byte[] raw = File.ReadAllBytes(path);
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.NoCompression))
            zip.Write(raw);
        byte[] bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().LastIndexOf(raw.AsSpan(raw.Length - 6)) + 5;
        Assert.True(at >= 5);
        bytes[at] ^= 0x01; // the last label, stored verbatim
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path));
        // zlib itself checks the CRC when the trailer is present.
        Assert.StartsWith(path + ": corrupt gzip data", e.Message);
    }

    [Fact]
    public void CorruptGzipIsRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("bad.gz");
        File.WriteAllBytes(path, new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff });

        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(0u, 28u, 28u, "empty IDX image file")]
    [InlineData(10u, 0u, 28u, "empty IDX image file")]
    [InlineData(10u, 28u, 5000u, "implausible image size 28x5000")]
    [InlineData(10u, 100000u, 100000u, "implausible image size 100000x100000")]
    [InlineData(4000000000u, 28u, 28u, "implausible size: 4000000000 images of 28x28")]
    [InlineData(200000u, 28u, 28u, "implausible size: 200000 images of 28x28")]
    public void AbsurdDimensionsAreRejectedBeforeReading(uint count, uint rows, uint cols, string problem)
    {
        using var temp = new TempFolder();
        string path = temp.File("absurd");
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00000803);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), cols);
        File.WriteAllBytes(path, header);

        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith($"{path}: {problem}", e.Message);
    }

    [Fact]
    public void MissingFileIsADataException()
    {
        using var temp = new TempFolder();
        string path = temp.File("nope/train-images-idx3-ubyte.gz");

        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }

    [Fact]
    public void WrittenGzipIsDeterministic()
    {
        using var temp = new TempFolder();
        IdxWriter.WriteImages(temp.File("a"), 3, 4, 4, IdxFixtures.Pixels(3, 4, 4), gzip: true);
        Thread.Sleep(1100); // a timestamp in the header would now differ
        IdxWriter.WriteImages(temp.File("b"), 3, 4, 4, IdxFixtures.Pixels(3, 4, 4), gzip: true);
        Assert.Equal(File.ReadAllBytes(temp.File("a")), File.ReadAllBytes(temp.File("b")));
        using var check = new GZipStream(File.OpenRead(temp.File("a")), CompressionMode.Decompress);
        Assert.Equal(16 + 48, ReadAll(check).Length);
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
