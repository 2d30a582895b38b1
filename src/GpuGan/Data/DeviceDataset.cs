using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Data;

/// <summary>
/// A training set uploaded to the device once (pixel bytes, labels, the byte-to-float table), so a training step
/// gathers its batch with one launch instead of building it on the host and copying it in, which waits for the
/// device every step. The epoch's image order is uploaded when the epoch changes; the batches are the
/// <see cref="BatchSampler"/>'s, bit for bit what <see cref="BatchSampler.NextBatch"/> makes on the host.
/// </summary>
public sealed class DeviceDataset : IDisposable
{
    /// <summary>At most this many pixel bytes go to the device (and at most a quarter of its memory).</summary>
    public const long MaxBytes = 1L << 30;

    readonly ComputeDevice dev;
    readonly IntTensor pixels, labels, order;
    readonly Tensor scale;
    long orderEpoch = -1;

    public DeviceDataset(ComputeDevice device, ImageDataset data)
    {
        if (!Fits(device, data)) throw new ArgumentException($"{data.Source}: {data.Pixels.LongLength} bytes do not fit on {device.Id}");
        dev = device;
        var packed = new int[(data.Pixels.Length + 3) / 4];
        Buffer.BlockCopy(data.Pixels, 0, packed, 0, data.Pixels.Length);   // little-endian, as the kernel unpacks
        pixels = dev.AllocateInts(packed.Length);
        pixels.CopyFrom(packed);
        labels = dev.AllocateInts(data.Count);
        labels.CopyFrom(data.Labels);
        order = dev.AllocateInts(data.Count);
        scale = dev.Allocate(256);
        scale.CopyFrom(ImageDataset.PixelScale);
        ImageSize = data.ImageSize;
    }

    public int ImageSize { get; }

    /// <summary>Whether <paramref name="data"/> is uploaded whole; a larger set is built on the host batch by batch.</summary>
    public static bool Fits(ComputeDevice device, ImageDataset data) =>
        data.Pixels.LongLength <= MaxBytes && data.Pixels.LongLength <= device.Accelerator.MemorySize / 4;

    /// <summary>images (N, C, H, W) and labels (N, when given) = the batch at <paramref name="start"/> of epoch
    /// <paramref name="epoch"/>'s order <paramref name="epochOrder"/> (uploaded when the epoch changes).</summary>
    public void Gather(Tensor images, IntTensor? batchLabels, int[] epochOrder, long epoch, int start)
    {
        if (images.Length != images.Shape[0] * ImageSize) throw new ArgumentException($"({images.ShapeText}) is not a batch of {ImageSize}-value images");
        if (epoch != orderEpoch)
        {
            order.CopyFrom(epochOrder);
            orderEpoch = epoch;
        }
        BatchGatherOps.Gather(dev, pixels.View, scale.View, order.View, labels.View, images, batchLabels, start);
    }

    public void Dispose()
    {
        pixels.Dispose();
        labels.Dispose();
        order.Dispose();
        scale.Dispose();
    }
}
