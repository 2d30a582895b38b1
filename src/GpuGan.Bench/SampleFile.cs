using System.Runtime.InteropServices;
using GpuGan.Metrics;

namespace GpuGan.Bench;

/// <summary>
/// How the torch worker hands its generated samples to the parent: raw little-endian float32, (n, 1, 28, 28)
/// row-major, no header (numpy: <c>np.fromfile(path, '&lt;f4').reshape(-1, 1, 28, 28)</c>); n is the file length
/// over 3,136 bytes and is checked against the count the parent asked for. Float32 rather than IDX bytes:
/// GpuGan's own samples go from G's tanh output to the classifier unrounded, so torch's must not be quantised to
/// 8 bits on the way. Written to a temporary name and renamed, so a worker killed mid-write leaves no short file.
/// </summary>
public static class SampleFile
{
    public const int ImageFloats = FeatureExtractor.ImageFloats;

    public static void Write(string path, ReadOnlySpan<float> images)
    {
        if (images.Length % ImageFloats != 0)
            throw new ArgumentException($"{images.Length} floats are not whole 28x28 images", nameof(images));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the sample file is little-endian float32");
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            file.Write(MemoryMarshal.AsBytes(images));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The <paramref name="count"/> images of <paramref name="path"/>, each value finite (G ends in tanh: [-1, 1]).</summary>
    public static float[] Read(string path, int count)
    {
        long bytes = new FileInfo(path).Length;
        long expected = (long)count * ImageFloats * sizeof(float);
        if (bytes != expected)
            throw new InvalidOperationException($"{path}: {bytes} bytes, expected {count} images of 28x28 float32 = {expected}");
        var images = new float[count * ImageFloats];
        using (var file = File.OpenRead(path))
            file.ReadExactly(MemoryMarshal.AsBytes(images.AsSpan()));
        int bad = Array.FindIndex(images, v => !(v >= -1f && v <= 1f));
        if (bad >= 0)
            throw new InvalidOperationException($"{path}: value {images[bad]} of image {bad / ImageFloats} is outside [-1, 1]");
        return images;
    }
}
