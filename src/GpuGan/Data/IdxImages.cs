namespace GpuGan.Data;

/// <summary>The contents of an IDX images file: Count images of Rows x Cols bytes, row-major.</summary>
public sealed record IdxImages(int Count, int Rows, int Cols, byte[] Pixels);
