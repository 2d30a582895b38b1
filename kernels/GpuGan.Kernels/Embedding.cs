using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// y[n, :] = table[labels[n], :], the class embedding of a conditional GAN. A label outside [0, classes) gives a
/// NaN row (seen in the output) instead of a read outside the table; callers check labels on the host.
/// labels: (N) ints; table: (classes, dim); y: (N, dim), written. One element of y per iteration.
/// </summary>
public static class EmbeddingForward
{
    public static void Kernel(Index1D thread, ArrayView<int> labels, ArrayView<float> table, ArrayView<float> y, int classes, int dim, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, labels, table, y, classes, dim);
    }

    static void At(int index, ArrayView<int> labels, ArrayView<float> table, ArrayView<float> y, int classes, int dim)
    {
        int n = index / dim, d = index % dim;
        int label = labels[n];
        y[index] = label >= 0 && label < classes ? table[label * dim + d] : float.NaN;
    }
}

/// <summary>
/// dTable[k, d] += sum over the rows n with labels[n] == k of dy[n, d]. A gather: one table element per
/// iteration, rows visited in order, so it needs no atomics and repeats bit for bit; classes no label names
/// keep their gradient. labels: (N); dy: (N, dim); dTable: (classes, dim), accumulated.
/// </summary>
public static class EmbeddingBackward
{
    public static void Kernel(Index1D thread, ArrayView<int> labels, ArrayView<float> dy, ArrayView<float> dTable, int rows, int dim, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, labels, dy, dTable, rows, dim);
    }

    static void At(int index, ArrayView<int> labels, ArrayView<float> dy, ArrayView<float> dTable, int rows, int dim)
    {
        int k = index / dim, d = index % dim;
        float sum = 0f;
        for (int n = 0; n < rows; n++)
            if (labels[n] == k) sum += dy[n * dim + d];
        dTable[index] += sum;
    }
}
