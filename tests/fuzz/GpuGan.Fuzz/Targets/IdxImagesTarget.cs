using GpuGan.Data;

namespace GpuGan.Fuzz.Targets;

/// <summary>IdxReader.ReadImages on raw and gzip IDX image files (gzip by its magic, trailer checked).</summary>
public sealed class IdxImagesTarget : FuzzTarget
{
    public override string Name => "idx-images";
    public override string Description => "IdxReader.ReadImages: idx3 images, raw or gzip (CRC/length trailer checked)";
    public override IReadOnlyList<Type> Errors => [typeof(DataException)];

    // Deflate expands at most 1,032:1 and the payload buffer doubles as it fills, so 2,100x the file plus I/O buffers.
    internal static long IdxBound(long inputBytes) => 4 * MiB + 2_100 * inputBytes;
    public override long AllocationBound(long inputBytes) => IdxBound(inputBytes);

    public override string Read(string path)
    {
        var images = IdxReader.ReadImages(path);
        return $"{images.Count} images of {images.Rows}x{images.Cols}";
    }

    public override IEnumerable<(string, byte[])> Seeds()
    {
        byte[] pixels = Enumerable.Range(0, 2 * 3 * 5).Select(i => (byte)(i * 37)).ToArray();
        yield return ("two-3x5.idx", SeedFile.Bytes(p => IdxWriter.WriteImages(p, 2, 3, 5, pixels, gzip: false)));
        yield return ("two-3x5.idx.gz", SeedFile.Bytes(p => IdxWriter.WriteImages(p, 2, 3, 5, pixels, gzip: true)));
        yield return ("one-1x1.idx.gz", SeedFile.Bytes(p => IdxWriter.WriteImages(p, 1, 1, 1, [255], gzip: true)));
    }
}
