using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// y[n] = sum_f a[n, f] * b[n, f] (Accumulate = 1: added to y), the projection discriminator's
/// inner product of a class embedding with the features. a, b: (N, features); y: (N). One row per iteration,
/// summed in feature order within one thread (no atomics: the bits repeat).
/// </summary>
public static class RowDotForward
{
    public static void Kernel(Index1D thread, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int features, int accumulate, ElementRange rows)
    {
        int t = ThreadIndex.Global;
        int end = rows.End(t);
        for (int r = rows.Start(t); r < end; r++) At(r, a, b, y, features, accumulate);
    }

    static void At(int row, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int features, int accumulate)
    {
        int o = row * features;
        float sum = 0f;
        for (int f = 0; f < features; f++) sum += a[o + f] * b[o + f];
        y[row] = accumulate != 0 ? y[row] + sum : sum;
    }
}

/// <summary>
/// dInput[n, f] = dy[n] * other[n, f] (accumulate = 1: added to dInput): the gradient of a row dot product with
/// respect to one operand is the other operand scaled by the row's upstream gradient. Launched once for da
/// (other = b) and once for db (other = a). dy: (N); other, dInput: (N, features). One element per iteration.
/// </summary>
public static class RowDotBackward
{
    public static void Kernel(Index1D thread, ArrayView<float> dy, ArrayView<float> other, ArrayView<float> dInput, int features, int accumulate, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, dy, other, dInput, features, accumulate);
    }

    static void At(int index, ArrayView<float> dy, ArrayView<float> other, ArrayView<float> dInput, int features, int accumulate)
    {
        float g = dy[index / features] * other[index];
        dInput[index] = accumulate != 0 ? dInput[index] + g : g;
    }
}
