using ILGPU;

namespace GpuGan.Kernels;

/// <summary>Where a batch comes from in a dataset resident on the device.</summary>
public struct BatchGatherParams
{
    /// <summary>The batch's first position in the epoch's order.</summary>
    public int Start;
    /// <summary>C*H*W values per image.</summary>
    public int ImageSize;
    /// <summary>1: also write each image's class label.</summary>
    public int WithLabels;
}

/// <summary>
/// One training batch gathered on the device from the dataset's pixel bytes, as the host's
/// ImageDataset.CopyImage makes it: images[i, j] = scale[pixel j of image order[Start + i]] (the same 256-entry
/// table, so the values are bit for bit the host's), and labels[i] = datasetLabels[order[Start + i]].
/// The bytes are packed four to an int (little-endian), since byte loads are what every backend agrees on least.
/// </summary>
public static class BatchGather
{
    // images: (N, C, H, W) floats; labels: (N); packedPixels: (Count*ImageSize + 3) / 4; order: (Count)
    public static void Kernel(Index1D thread, ArrayView<int> packedPixels, ArrayView<float> scale, ArrayView<int> order,
        ArrayView<int> datasetLabels, ArrayView<float> images, ArrayView<int> labels, BatchGatherParams p, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int e = range.Start(t); e < end; e++)
        {
            int i = e / p.ImageSize;
            int j = e - i * p.ImageSize;
            int image = order[p.Start + i];
            long at = (long)image * p.ImageSize + j;
            int word = packedPixels[at >> 2];
            int pixel = (word >> (int)((at & 3) * 8)) & 0xFF;
            images[e] = scale[pixel];
            if (j == 0 && p.WithLabels != 0) labels[i] = datasetLabels[image];
        }
    }
}
