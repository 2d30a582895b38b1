using GpuGan.Data;

namespace GpuGan.Fuzz.Targets;

/// <summary>IdxReader.ReadLabels on raw and gzip IDX label files.</summary>
public sealed class IdxLabelsTarget : FuzzTarget
{
    public override string Name => "idx-labels";
    public override string Description => "IdxReader.ReadLabels: idx1 labels, raw or gzip (CRC/length trailer checked)";
    public override IReadOnlyList<Type> Errors => [typeof(DataException)];
    public override long AllocationBound(long inputBytes) => IdxImagesTarget.IdxBound(inputBytes);

    public override string Read(string path) => $"{IdxReader.ReadLabels(path).Length} labels";

    public override IEnumerable<(string, byte[])> Seeds()
    {
        byte[] labels = [7, 2, 1, 0, 4, 1, 4, 9, 5];
        yield return ("nine.idx", SeedFile.Bytes(p => IdxWriter.WriteLabels(p, labels, gzip: false)));
        yield return ("nine.idx.gz", SeedFile.Bytes(p => IdxWriter.WriteLabels(p, labels, gzip: true)));
    }
}
