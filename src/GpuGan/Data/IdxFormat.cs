namespace GpuGan.Data;

/// <summary>Constants and limits of the IDX format (MNIST and its relatives).</summary>
internal static class IdxFormat
{
    // Magic = 0x00, 0x00, element type (0x08 = unsigned byte), number of dimensions.
    public const uint ImagesMagic = 0x00000803;
    public const uint LabelsMagic = 0x00000801;
    public const int ImagesHeaderBytes = 16;
    public const int LabelsHeaderBytes = 8;

    // Limits that reject corrupt headers before we allocate anything.
    public const int MaxSide = 4096;
    public const long MaxPixelBytes = 100_000_000;
    public const int MaxLabels = 100_000_000;
}
