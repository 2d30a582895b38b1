using GpuGan.Data;

namespace GpuGan.Tests.Data;

/// <summary>Small generated IDX data with a known pattern.</summary>
internal static class IdxFixtures
{
    public static byte[] Pixels(int count, int rows, int cols)
    {
        var pixels = new byte[count * rows * cols];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)(i * 7 + i / 13);
        return pixels;
    }

    public static byte[] Labels(int count)
    {
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
            labels[i] = (byte)(i % 3);
        return labels;
    }

    /// <summary>Writes a train-images/train-labels pair into a folder.</summary>
    public static void WritePair(string folder, int count, int rows, int cols, bool gzip, string prefix = "train")
    {
        string ext = gzip ? ".gz" : "";
        IdxWriter.WriteImages(Path.Combine(folder, $"{prefix}-images-idx3-ubyte{ext}"), count, rows, cols, Pixels(count, rows, cols), gzip);
        IdxWriter.WriteLabels(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte{ext}"), Labels(count), gzip);
    }
}
