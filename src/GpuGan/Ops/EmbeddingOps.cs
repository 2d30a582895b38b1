using GpuGan.Device;
using GpuGan.Host;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// Class embedding (PyTorch's nn.Embedding) for class-conditional GANs: a row of the table per integer label;
/// the table's gradient gathers dy over the rows with each label. One ILGPU kernel each, elementwise, for both
/// kernel families, and host code for HostSimd (bit-identical): at the projection discriminator's (10, 6272) table
/// ILGPU's CPU kernels took 7 ms forward and 28 ms backward (all N labels scanned per table element), the host code
/// 0.1 ms each (BENCHMARKS.md, "Label ops on the CPU accelerator").
/// </summary>
public static class EmbeddingOps
{
    internal delegate void ForwardLaunch(ArrayView<int> labels, ArrayView<float> table, ArrayView<float> y, int n, int classes, int dim);
    internal delegate void BackwardLaunch(ArrayView<int> labels, ArrayView<float> dy, ArrayView<float> dTable, int n, int classes, int dim);

    internal static readonly OpVariants<ForwardLaunch> ForwardVariants = new OpVariants<ForwardLaunch>("EmbeddingForward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, ElementRange>(EmbeddingForward.Kernel);
            return (labels, table, y, n, classes, dim) =>
            {
                int length = n * dim;
                using var _ = dev.Launch("EmbeddingForward", length, 8.0 * length + 4.0 * n);
                var r = dev.Range(length);
                k(r.Threads, labels, table, y, classes, dim, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (labels, table, y, n, classes, dim) =>
        {
            int length = n * dim;
            using var _ = dev.Launch("EmbeddingForward:Host", 0, 8.0 * length + 4.0 * n);
            dev.Synchronize();
            unsafe { dev.HostEmbedding.Forward(HostMemory.Pointer(labels), HostMemory.Pointer(table), HostMemory.Pointer(y), n, classes, dim); }
        }, OpVariant.HostSimd);

    internal static readonly OpVariants<BackwardLaunch> BackwardVariants = new OpVariants<BackwardLaunch>("EmbeddingBackward")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, ElementRange>(EmbeddingBackward.Kernel);
            return (labels, dy, dTable, n, classes, dim) =>
            {
                int length = classes * dim;
                // every table element scans all N labels; dy is read once in all
                using var _ = dev.Launch("EmbeddingBackward", (double)length * n, 4.0 * n * dim + 8.0 * length);
                var r = dev.Range(length);
                k(r.Threads, labels, dy, dTable, n, dim, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily)
        .Register(dev => (labels, dy, dTable, n, classes, dim) =>
        {
            // rows grouped by label first: each dy element is added once, the table read and written once
            using var _ = dev.Launch("EmbeddingBackward:Host", (double)n * dim, 4.0 * n * dim + 8.0 * classes * dim + 4.0 * n);
            dev.Synchronize();
            unsafe { dev.HostEmbedding.Backward(HostMemory.Pointer(labels), HostMemory.Pointer(dy), HostMemory.Pointer(dTable), n, classes, dim); }
        }, OpVariant.HostSimd);

    // y: (N, D) = table[labels[n], :];  labels: (N) in 0..classes-1 (callers check on the host), table: (classes, D)
    // A label out of range gives a NaN row.
    public static void Forward(ComputeDevice dev, ArrayView<int> labels, ArrayView<float> table, ArrayView<float> y, int n, int classes, int dim)
    {
        CheckSizes(n, classes, dim);
        Check(labels.Length, n, "labels");
        Check(table.Length, (long)classes * dim, "table");
        Check(y.Length, (long)n * dim, "y");
        ForwardVariants.For(dev)(labels, table, y, n, classes, dim);
    }

    // dTable: (classes, D) += sum over n with labels[n] == k of dy[n, :]   (accumulates, like every parameter gradient)
    public static void Backward(ComputeDevice dev, ArrayView<int> labels, ArrayView<float> dy, ArrayView<float> dTable, int n, int classes, int dim)
    {
        CheckSizes(n, classes, dim);
        Check(labels.Length, n, "labels");
        Check(dy.Length, (long)n * dim, "dy");
        Check(dTable.Length, (long)classes * dim, "dTable");
        BackwardVariants.For(dev)(labels, dy, dTable, n, classes, dim);
    }

    static void CheckSizes(int n, int classes, int dim)
    {
        if (n < 1 || classes < 1 || dim < 1)
            throw new ArgumentException($"embedding needs n >= 1, classes >= 1 and dim >= 1, got n {n}, classes {classes}, dim {dim}");
        if ((long)n * dim > int.MaxValue || (long)classes * dim > int.MaxValue)
            throw new ArgumentException($"embedding: n {n} or classes {classes} times dim {dim} is past int indexing");
    }

    static void Check(long length, long needed, string what)
    {
        if (length < needed) throw new ArgumentException($"embedding: {what} holds {length} elements, {needed} needed");
    }
}
