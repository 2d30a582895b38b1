namespace GpuGan.Data;

/// <summary>
/// Hands out training batches. Each epoch visits the images in a fresh
/// permutation that depends only on (seed, epoch), so a run resumed from a
/// saved <see cref="State"/> produces exactly the batches it would have.
/// The last partial batch of an epoch is dropped (like PyTorch's
/// drop_last=True): every step has the same batch size, which keeps the
/// GPU buffers and the loss scaling fixed; the dropped images come back in
/// other positions in later epochs.
/// </summary>
public sealed class BatchSampler
{
    private readonly ImageDataset _data;
    private readonly ulong _seed;
    private readonly int[] _order;
    private long _orderEpoch = -1;
    private long _epoch;
    private int _batch;

    public BatchSampler(ImageDataset data, int batchSize, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.Count < batchSize)
            throw new DataException(data.Source, $"{data.Count} images, fewer than one batch of {batchSize}");
        _data = data;
        _seed = seed;
        BatchSize = batchSize;
        _order = new int[data.Count];
    }

    public int BatchSize { get; }

    /// <summary>Full batches per epoch; the remainder (Count % BatchSize) is dropped.</summary>
    public int BatchesPerEpoch => _data.Count / BatchSize;

    /// <summary>Floats in one batch buffer: BatchSize * C * H * W.</summary>
    public int BatchFloats => BatchSize * _data.ImageSize;

    public SamplerState State
    {
        get => new(_epoch, _batch);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value.Epoch, nameof(value.Epoch));
            if (value.Batch < 0 || value.Batch >= BatchesPerEpoch)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"batch must be in 0..{BatchesPerEpoch - 1}");
            _epoch = value.Epoch;
            _batch = value.Batch;
        }
    }

    /// <summary>
    /// Fills <paramref name="images"/> (BatchSize*C*H*W floats in [-1, 1], NCHW)
    /// and <paramref name="labels"/> (BatchSize) with the next batch and
    /// advances the state, rolling over to the next epoch after the last full
    /// batch. Allocates nothing.
    /// </summary>
    public void NextBatch(Span<float> images, Span<int> labels)
    {
        if (images.Length != BatchFloats)
            throw new ArgumentException($"image buffer holds {images.Length} floats, a batch is {BatchFloats}", nameof(images));
        if (labels.Length != BatchSize)
            throw new ArgumentException($"label buffer holds {labels.Length} ints, a batch is {BatchSize}", nameof(labels));

        var (order, _, start) = NextBatchPositions();
        int imageSize = _data.ImageSize;
        for (int i = 0; i < BatchSize; i++)
        {
            int index = order[start + i];
            _data.CopyImage(index, images.Slice(i * imageSize, imageSize));
            labels[i] = _data.Labels[index];
        }
    }

    /// <summary>
    /// The next batch as positions [Start, Start + BatchSize) of epoch <c>Epoch</c>'s image order (the sampler's own
    /// array: read it before the next call), for a dataset gathered on the device; advances the state as
    /// <see cref="NextBatch"/> does, so both hand out the same batches.
    /// </summary>
    public (int[] Order, long Epoch, int Start) NextBatchPositions()
    {
        long epoch = _epoch;
        EnsureOrder(epoch);
        int start = _batch * BatchSize;
        if (++_batch == BatchesPerEpoch)
        {
            _batch = 0;
            _epoch++;
        }
        return (_order, epoch, start);
    }

    /// <summary>The image order of an epoch (a copy; for tests and diagnostics).</summary>
    public int[] EpochOrder(long epoch)
    {
        var order = new int[_data.Count];
        Shuffle(order, _seed, epoch);
        return order;
    }

    private void EnsureOrder(long epoch)
    {
        if (_orderEpoch == epoch)
            return;
        Shuffle(_order, _seed, epoch);
        _orderEpoch = epoch;
    }

    /// <summary>Fisher-Yates over 0..n-1 with an RNG seeded from (seed, epoch) alone.</summary>
    internal static void Shuffle(int[] order, ulong seed, long epoch)
    {
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        // Mix seed and epoch separately so nearby seeds/epochs give unrelated streams
        // (adding epoch*gamma to the state would just shift one stream by a step).
        var rng = new SplitMix64(SplitMix64.Mix(seed) ^ SplitMix64.Mix((ulong)epoch ^ 0xD1B54A32D192ED03));
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)rng.NextBelow((uint)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
