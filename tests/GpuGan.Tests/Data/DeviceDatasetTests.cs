using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Ops;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Data;

/// <summary>
/// A training set resident on the device hands out, batch by batch across epochs, bit for bit the images and
/// labels the host sampler builds (<see cref="BatchSampler.NextBatch"/>), on every kernel family; outputs are
/// poisoned before each gather so an element it skips shows.
/// </summary>
[Collection(GpuFamilyCollection.Name)]
public sealed class DeviceDatasetTests(GpuFamilyOnCpuFixture gpu)
{
    static ImageDataset Random(int count, int channels, int h, int w, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * channels * h * w];   // odd sizes: images straddle the packed ints
        rng.NextBytes(pixels);
        return new ImageDataset("random", channels, h, w, pixels, Enumerable.Range(0, count).Select(_ => rng.Next(7)).ToArray(), 7);
    }

    public static TheoryData<string, int, int, int, int, int> Cases() => new()
    {
        // family, images, channels, height, width, batch
        { "simd", 23, 1, 5, 3, 4 },
        { "ilgpu", 23, 3, 3, 3, 5 },
        { "gpu", 17, 1, 7, 5, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gathered_batches_equal_the_host_samplers_across_epochs(string family, int count, int channels, int h, int w, int batch)
    {
        using var owned = family switch
        {
            "simd" => ComputeDevice.CreateCpu(),
            "ilgpu" => ComputeDevice.CreateCpu(cpuKernels: CpuKernelVariant.Ilgpu),
            _ => null,
        };
        var dev = owned ?? gpu.Device;
        var data = Random(count, channels, h, w, seed: count * 31 + batch);
        var host = new BatchSampler(data, batch, seed: 9);
        var device = new BatchSampler(data, batch, seed: 9);
        using var resident = new DeviceDataset(dev, data);
        using var images = dev.Allocate(batch, channels, h, w);
        using var labels = dev.AllocateInts(batch);
        var hostImages = new float[images.Length];
        var hostLabels = new int[batch];
        int batches = 2 * host.BatchesPerEpoch + 1;   // two epoch changes
        for (int b = 0; b < batches; b++)
        {
            host.NextBatch(hostImages, hostLabels);
            ElementwiseOps.Fill(dev, images.View, images.Length, float.NaN);
            labels.CopyFrom(Enumerable.Repeat(-1, batch).ToArray());
            var (order, epoch, start) = device.NextBatchPositions();
            resident.Gather(images, labels, order, epoch, start);
            Assert.Equal(hostImages, images.ToArray());
            var got = new int[batch];
            labels.CopyTo(got);
            Assert.Equal(hostLabels, got);
            Assert.Equal(host.State, device.State);
        }
    }

    [Fact]
    public void Without_labels_only_the_images_are_written()
    {
        var dev = gpu.Device;
        var data = Random(9, 1, 3, 3, seed: 4);
        var sampler = new BatchSampler(data, 2, seed: 1);
        using var resident = new DeviceDataset(dev, data);
        using var images = dev.Allocate(2, 1, 3, 3);
        var (order, epoch, start) = sampler.NextBatchPositions();
        resident.Gather(images, null, order, epoch, start);
        var expected = new float[9];
        data.CopyImage(order[start], expected);
        Assert.Equal(expected, images.ToArray()[..9]);
    }
}
