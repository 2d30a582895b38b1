using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// y: (Batch, ChannelsA + ChannelsB, Plane) = [a: (Batch, ChannelsA, Plane), b] along the channels, where b is
/// (Batch, ChannelsB, Plane), or (Batch, ChannelsB) repeated at every position when BroadcastB = 1 (a label
/// embedding joined to an image's feature maps). Plane = 1 is the feature concatenation (N, Fa) ++ (N, Fb).
/// </summary>
public struct ConcatLayout
{
    public int Batch, ChannelsA, ChannelsB, Plane;
    public int BroadcastB;
    public readonly int Channels => ChannelsA + ChannelsB;
    public readonly int OutputLength => Batch * Channels * Plane;
    public readonly int LengthA => Batch * ChannelsA * Plane;
    /// <summary>b's positions per channel: 1 when broadcast.</summary>
    public readonly int PlaneB => BroadcastB != 0 ? 1 : Plane;
    public readonly int LengthB => Batch * ChannelsB * PlaneB;
}

/// <summary>y = [a, b] along the channels (see <see cref="ConcatLayout"/>); y written, one element per iteration.</summary>
public static class ConcatChannelsForward
{
    public static void Kernel(Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, ConcatLayout l, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, a, b, y, l);
    }

    static void At(int index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, ConcatLayout l)
    {
        int p = index % l.Plane;
        int rest = index / l.Plane;
        int c = rest % l.Channels;
        int n = rest / l.Channels;
        if (c < l.ChannelsA) y[index] = a[(n * l.ChannelsA + c) * l.Plane + p];
        else
        {
            int cb = c - l.ChannelsA;
            y[index] = l.BroadcastB != 0 ? b[n * l.ChannelsB + cb] : b[(n * l.ChannelsB + cb) * l.Plane + p];
        }
    }
}

/// <summary>
/// The backward pass of <see cref="ConcatChannelsForward"/>: each input's gradient is its channels of dy, written;
/// a broadcast b's gradient is summed over the positions it was repeated at, in position order within one thread.
/// dy: (Batch, ChannelsA + ChannelsB, Plane); da: (Batch, ChannelsA, Plane); db: (Batch, ChannelsB, PlaneB).
/// </summary>
public static class ConcatChannelsBackward
{
    public static void FirstPart(Index1D thread, ArrayView<float> dy, ArrayView<float> da, ConcatLayout l, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) FirstAt(i, dy, da, l);
    }

    static void FirstAt(int index, ArrayView<float> dy, ArrayView<float> da, ConcatLayout l)
    {
        int p = index % l.Plane;
        int rest = index / l.Plane;
        int c = rest % l.ChannelsA;
        int n = rest / l.ChannelsA;
        da[index] = dy[(n * l.Channels + c) * l.Plane + p];
    }

    public static void SecondPart(Index1D thread, ArrayView<float> dy, ArrayView<float> db, ConcatLayout l, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) SecondAt(i, dy, db, l);
    }

    static void SecondAt(int index, ArrayView<float> dy, ArrayView<float> db, ConcatLayout l)
    {
        // broadcast: one db element per (n, c), summed over all Plane positions; else a copy (one position)
        int planeB = l.PlaneB;
        int positions = l.BroadcastB != 0 ? l.Plane : 1;
        int p = index % planeB;
        int rest = index / planeB;
        int cb = rest % l.ChannelsB;
        int n = rest / l.ChannelsB;
        int o = (n * l.Channels + l.ChannelsA + cb) * l.Plane + p;
        float sum = dy[o];
        for (int q = 1; q < positions; q++) sum += dy[o + q];
        db[index] = sum;
    }
}
