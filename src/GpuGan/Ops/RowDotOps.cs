using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// The row-wise dot product of two (N, F) tensors, the projection discriminator's y += sum_f embed(label) * phi(x).
/// One ILGPU kernel each way: forward one row per thread (summed in feature order), backward elementwise, launched
/// once per wanted gradient; host code for HostSimd with the same float operations in the same order (bit-identical):
/// at cdcgan28's (64, 6272) ILGPU's CPU kernels took 1.7 ms forward and 16 ms backward, the host code 0.2 and 0.35 ms
/// (BENCHMARKS.md, "Label ops on the CPU accelerator").
/// </summary>
public static class RowDotOps
{
    internal delegate void ForwardLaunch(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, int features, bool accumulate);
    internal delegate void BackwardLaunch(ArrayView<float> dy, ArrayView<float> other, ArrayView<float> dInput, int n, int features, bool accumulate);

    internal static readonly OpVariants<ForwardLaunch> ForwardVariants = new OpVariants<ForwardLaunch>("RowDotForward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, ElementRange>(RowDotForward.Kernel);
            return (a, b, y, n, features, accumulate) =>
            {
                double length = (double)n * features;
                using var _ = dev.Launch("RowDotForward", 2.0 * length, 8.0 * length + 8.0 * n);
                var r = dev.Range(n);
                k(r.Threads, a, b, y, features, accumulate ? 1 : 0, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (a, b, y, n, features, accumulate) =>
        {
            double length = (double)n * features;
            using var _ = dev.Launch("RowDotForward:Host", 2.0 * length, 8.0 * length + 8.0 * n);
            dev.Synchronize();
            unsafe { dev.HostRowDot.Forward(HostMemory.Pointer(a), HostMemory.Pointer(b), HostMemory.Pointer(y), n, features, accumulate); }
        }, OpVariant.HostSimd);

    internal static readonly OpVariants<BackwardLaunch> BackwardVariants = new OpVariants<BackwardLaunch>("RowDotBackward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, ElementRange>(RowDotBackward.Kernel);
            return (dy, other, dInput, n, features, accumulate) =>
            {
                int length = n * features;
                using var _ = dev.Launch("RowDotBackward", accumulate ? 2.0 * length : length, (accumulate ? 12.0 : 8.0) * length);
                var r = dev.Range(length);
                k(r.Threads, dy, other, dInput, features, accumulate ? 1 : 0, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (dy, other, dInput, n, features, accumulate) =>
        {
            int length = n * features;
            using var _ = dev.Launch("RowDotBackward:Host", accumulate ? 2.0 * length : length, (accumulate ? 12.0 : 8.0) * length);
            dev.Synchronize();
            unsafe { dev.HostRowDot.Backward(HostMemory.Pointer(dy), HostMemory.Pointer(other), HostMemory.Pointer(dInput), n, features, accumulate); }
        }, OpVariant.HostSimd);

    // y: (N) (+)= sum_f a[n, f] * b[n, f]     a, b: (N, F); accumulate adds into y (the projection discriminator adds it to a Linear output), else writes
    public static void Forward(ComputeDevice dev, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, int features, bool accumulate)
    {
        CheckSizes(n, features);
        Check(a.Length, (long)n * features, "a");
        Check(b.Length, (long)n * features, "b");
        Check(y.Length, n, "y");
        ForwardVariants.For(dev)(a, b, y, n, features, accumulate);
    }

    // da[n, f] (+)= dy[n] * b[n, f] (accumulateDa: da already holds another path's gradient); db[n, f] = dy[n] * a[n, f] (written).
    // Either may be null (not wanted).
    public static void Backward(ComputeDevice dev, ArrayView<float> dy, ArrayView<float> a, ArrayView<float> b, ArrayView<float>? da, ArrayView<float>? db,
        int n, int features, bool accumulateDa)
    {
        CheckSizes(n, features);
        Check(dy.Length, n, "dy");
        Check(a.Length, (long)n * features, "a");
        Check(b.Length, (long)n * features, "b");
        if (da.HasValue) Check(da.Value.Length, (long)n * features, "da");
        if (db.HasValue) Check(db.Value.Length, (long)n * features, "db");
        var launch = BackwardVariants.For(dev);
        if (da.HasValue) launch(dy, b, da.Value, n, features, accumulateDa);
        if (db.HasValue) launch(dy, a, db.Value, n, features, false);
    }

    static void CheckSizes(int n, int features)
    {
        if (n < 1 || features < 1) throw new ArgumentException($"row dot product needs n >= 1 and features >= 1, got {n}x{features}");
        if ((long)n * features > int.MaxValue) throw new ArgumentException($"row dot product: {n}x{features} is past int indexing");
    }

    static void Check(long length, long needed, string what)
    {
        if (length < needed) throw new ArgumentException($"row dot product: {what} holds {length} elements, {needed} needed");
    }
}
