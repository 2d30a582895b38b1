using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// Concatenation along the channels of two (N, C, P) tensors, the second optionally (N, Cb) broadcast over the
/// P positions (a label embedding joined to feature maps); P = 1 is the feature concatenation (N, Fa) ++ (N, Fb).
/// Forward one elementwise kernel over y; backward one per wanted input gradient. No host variant (pure data
/// movement; at cdcgan28's (64, 100) ++ (64, 10) about 0.1 ms a call, under 1% of a step: BENCHMARKS.md, "Label ops
/// on the CPU accelerator"), so HostSimd falls back to the CPU family.
/// </summary>
public static class ConcatOps
{
    internal delegate void ConcatLaunch(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, ConcatLayout l);
    internal delegate void SplitLaunch(ArrayView<float> dy, ArrayView<float> dPart, ConcatLayout l);

    internal static readonly OpVariants<ConcatLaunch> ConcatVariants = new OpVariants<ConcatLaunch>("ConcatChannelsForward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConcatLayout, ElementRange>(ConcatChannelsForward.Kernel);
            return (a, b, y, l) =>
            {
                using var _ = dev.Launch("ConcatChannelsForward", 0, 4.0 * (l.LengthA + l.LengthB + l.OutputLength));
                var r = dev.Range(l.OutputLength);
                k(r.Threads, a, b, y, l, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    internal static readonly OpVariants<SplitLaunch> SplitFirstVariants = new OpVariants<SplitLaunch>("ConcatChannelsBackward.First")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConcatLayout, ElementRange>(ConcatChannelsBackward.FirstPart);
            return (dy, da, l) =>
            {
                using var _ = dev.Launch("ConcatChannelsBackward.First", 0, 8.0 * l.LengthA);
                var r = dev.Range(l.LengthA);
                k(r.Threads, dy, da, l, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    internal static readonly OpVariants<SplitLaunch> SplitSecondVariants = new OpVariants<SplitLaunch>("ConcatChannelsBackward.Second")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConcatLayout, ElementRange>(ConcatChannelsBackward.SecondPart);
            return (dy, db, l) =>
            {
                double read = (double)l.Batch * l.ChannelsB * l.Plane;
                using var _ = dev.Launch("ConcatChannelsBackward.Second", read - l.LengthB, 4.0 * (read + l.LengthB));
                var r = dev.Range(l.LengthB);
                k(r.Threads, dy, db, l, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    // y: (N, Ca + Cb, P) = [a: (N, Ca, P), b]   where b is (N, Cb, P), or (N, Cb) broadcast over the P positions when broadcastB
    public static void Channels(ComputeDevice dev, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, int ca, int cb, int plane, bool broadcastB)
    {
        var l = Layout(n, ca, cb, plane, broadcastB);
        Check(a.Length, l.LengthA, "a");
        Check(b.Length, l.LengthB, "b");
        Check(y.Length, l.OutputLength, "y");
        ConcatVariants.For(dev)(a, b, y, l);
    }

    // da: (N, Ca, P) = dy[:, :Ca]; db = dy[:, Ca:] ((N, Cb, P), or summed over P to (N, Cb) when broadcastB).
    // Both written (input gradients); either may be null (not wanted).
    public static void SplitChannels(ComputeDevice dev, ArrayView<float> dy, ArrayView<float>? da, ArrayView<float>? db, int n, int ca, int cb, int plane, bool broadcastB)
    {
        var l = Layout(n, ca, cb, plane, broadcastB);
        Check(dy.Length, l.OutputLength, "dy");
        if (da.HasValue)
        {
            Check(da.Value.Length, l.LengthA, "da");
            SplitFirstVariants.For(dev)(dy, da.Value, l);
        }
        if (db.HasValue)
        {
            Check(db.Value.Length, l.LengthB, "db");
            SplitSecondVariants.For(dev)(dy, db.Value, l);
        }
    }

    static ConcatLayout Layout(int n, int ca, int cb, int plane, bool broadcastB)
    {
        if (n < 1 || ca < 1 || cb < 1 || plane < 1)
            throw new ArgumentException($"channel concatenation needs n, ca, cb and plane >= 1, got n {n}, ca {ca}, cb {cb}, plane {plane}");
        if ((long)n * (ca + (long)cb) * plane > int.MaxValue)
            throw new ArgumentException($"channel concatenation: {n}x({ca}+{cb})x{plane} is past int indexing");
        return new ConcatLayout { Batch = n, ChannelsA = ca, ChannelsB = cb, Plane = plane, BroadcastB = broadcastB ? 1 : 0 };
    }

    static void Check(long length, long needed, string what)
    {
        if (length < needed) throw new ArgumentException($"channel concatenation: {what} holds {length} elements, {needed} needed");
    }
}
