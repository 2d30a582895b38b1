using GpuGan.Data;
using GpuGan.Models;
using GpuGan.Training;

namespace GpuGan.Tests.Training;

/// <summary>A small model and synthetic data so that trainer tests take milliseconds per iteration.</summary>
internal static class TinyRun
{
    public const int Size = 8;

    /// <summary>The same tiny model (and a small batch on the CPU) as `gpugan train` options, for command-line tests.</summary>
    public static readonly string[] CliOptions =
        ["--image-size", "8", "--g-width", "4", "--d-width", "4", "--latent", "8", "--batch-size", "8", "--device", "cpu"];

    public static ModelConfig Model => new("dcgan28", LatentSize: 8, Channels: 1, ImageSize: Size, GeneratorWidth: 4, DiscriminatorWidth: 4);

    public static TrainOptions Options(string outDir, long iterations) => new()
    {
        Model = Model, OutDir = outDir, Iterations = iterations, BatchSize = 8, Seed = 7,
        CheckpointEvery = 1000, SampleEvery = 1000, LogEvery = 1,
    };

    /// <summary>Blobs of varying brightness and position: enough structure for D to learn something.</summary>
    public static ImageDataset Data(int count = 40)
    {
        var pixels = new byte[count * Size * Size];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 3;
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                {
                    int dx = x - (2 + n % 4), dy = y - (2 + n / 4 % 4);
                    pixels[n * Size * Size + y * Size + x] = (byte)(dx * dx + dy * dy <= 4 ? 200 + n % 50 : n % 7);
                }
        }
        return new ImageDataset("synthetic", 1, Size, Size, pixels, labels, 3);
    }

    /// <summary>Writes the synthetic data as gzip IDX files into a folder, for the command line.</summary>
    public static string WriteIdx(string dir, int count = 40, int size = Size)
    {
        Directory.CreateDirectory(dir);
        var pixels = new byte[count * size * size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 37 % 251);
        IdxWriter.WriteImages(Path.Combine(dir, "train-images-idx3-ubyte.gz"), count, size, size, pixels, gzip: true);
        IdxWriter.WriteLabels(Path.Combine(dir, "train-labels-idx1-ubyte.gz"), Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray(), gzip: true);
        return dir;
    }

    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "gpugan-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
