using GpuGan.Device;
using GpuGan.Layers;

namespace GpuGan.Training;

/// <summary>
/// Runs a generator (already in the mode wanted) on any number of latent vectors, and class labels for a conditional
/// one, in batches of one fixed size, so its buffers are allocated once for that size however many images are
/// asked for; the images come back on the host. Sample grids and `gpugan sample` use it.
/// </summary>
public sealed class BatchedGenerator : IDisposable
{
    readonly Tensor z;
    readonly IntTensor? labels;
    readonly float[] hostZ;
    readonly int[] hostLabels;

    public BatchedGenerator(ComputeDevice dev, int batchSize, int latentSize, bool conditional)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        z = dev.Allocate(batchSize, latentSize);
        hostZ = new float[z.Length];
        hostLabels = new int[batchSize];
        if (conditional) labels = dev.AllocateInts(batchSize);
    }

    public int BatchSize => hostLabels.Length;
    public int LatentSize => z.Shape[1];

    /// <summary>Images (count, C, H, W) of <paramref name="g"/> for latents (count, LatentSize) and, when conditional, classes (count).</summary>
    public float[] Run(Sequential g, ReadOnlySpan<float> latents, ReadOnlySpan<int> classes)
    {
        int count = latents.Length / LatentSize;
        if (count < 1 || latents.Length != count * LatentSize) throw new ArgumentException($"{latents.Length} latent values are not whole vectors of {LatentSize}", nameof(latents));
        if (labels != null && classes.Length != count) throw new ArgumentException($"{classes.Length} classes for {count} latent vectors", nameof(classes));
        float[]? images = null;
        int perImage = 0;
        g.Labels = labels;
        for (int start = 0; start < count; start += BatchSize)
        {
            int take = Math.Min(BatchSize, count - start);
            // A short last batch is padded with the first vector (and class); its extra images are dropped.
            for (int j = 0; j < BatchSize; j++)
            {
                int i = start + (j < take ? j : 0);
                latents.Slice(i * LatentSize, LatentSize).CopyTo(hostZ.AsSpan(j * LatentSize));
                if (labels != null) hostLabels[j] = classes[i];
            }
            z.CopyFrom(hostZ);
            labels?.CopyFrom(hostLabels);
            var y = g.Forward(z);
            perImage = y.Length / BatchSize;
            images ??= new float[(long)count * perImage <= Array.MaxLength ? count * perImage : throw new ArgumentException($"{count} images do not fit one array")];
            var batch = y.ToArray();
            batch.AsSpan(0, take * perImage).CopyTo(images.AsSpan(start * perImage));
        }
        return images!;
    }

    /// <summary>A class grid's inputs: row k asks for class k, column j uses latent j of <paramref name="columns"/> (columns x LatentSize),
    /// so each column is one latent vector drawn as every class.</summary>
    public static (float[] Latents, int[] Classes) ClassGrid(ReadOnlySpan<float> columns, int latentSize, int classes)
    {
        int n = columns.Length / latentSize;
        var latents = new float[classes * n * latentSize];
        var asked = new int[classes * n];
        for (int k = 0; k < classes; k++)
            for (int j = 0; j < n; j++)
            {
                columns.Slice(j * latentSize, latentSize).CopyTo(latents.AsSpan((k * n + j) * latentSize));
                asked[k * n + j] = k;
            }
        return (latents, asked);
    }

    public void Dispose()
    {
        z.Dispose();
        labels?.Dispose();
    }
}
