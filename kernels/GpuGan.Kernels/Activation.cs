using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

public enum ActivationKind
{
    Identity = 0,
    Relu = 1,
    LeakyRelu = 2,
    Tanh = 3,
    Sigmoid = 4,
}

/// <summary>y = f(x), elementwise.</summary>
public static class ActivationForward
{
    public static void Kernel(Index1D thread, ArrayView<float> x, ArrayView<float> y, ActivationKind kind, float slope, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, x, y, kind, slope);
    }

    static void At(int i, ArrayView<float> x, ArrayView<float> y, ActivationKind kind, float slope) =>
        y[i] = Apply(x[i], kind, slope);

    /// <summary>f(v); shared with the kernels that fuse the activation (BatchNorm).</summary>
    public static float Apply(float v, ActivationKind kind, float slope) =>
        kind switch
        {
            // NaN propagates as in PyTorch: relu(NaN) = NaN (the test is written so NaN fails it),
            // leaky_relu(NaN) = slope * NaN = NaN. Finite inputs (and -0, which maps to +0) are unchanged.
            ActivationKind.Relu => v <= 0f ? 0f : v,
            ActivationKind.LeakyRelu => v > 0f ? v : slope * v,
            ActivationKind.Tanh => XMath.Tanh(v),
            ActivationKind.Sigmoid => 1f / (1f + XMath.Exp(-v)),
            _ => v,
        };
}

/// <summary>
/// dx = dy * f'(x), written from the forward output y (every supported f' is a function of y when the
/// leaky slope is positive), so layers need not keep their input.
/// </summary>
public static class ActivationBackward
{
    public static void Kernel(Index1D thread, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ActivationKind kind, float slope, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, y, dy, dx, kind, slope);
    }

    static void At(int i, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, ActivationKind kind, float slope) =>
        dx[i] = Apply(y[i], dy[i], kind, slope);

    /// <summary>dy * f'(x) from the output o = f(x); shared with the kernels that fuse the activation (BatchNorm).</summary>
    public static float Apply(float o, float g, ActivationKind kind, float slope) =>
        kind switch
        {
            // As PyTorch: threshold_backward is `y <= 0 ? 0 : dy`, so a NaN y passes dy through unchanged;
            // leaky_relu_backward is `x > 0 ? dy : slope * dy`, so a NaN gives slope * dy (y has x's sign and NaN-ness).
            ActivationKind.Relu => o <= 0f ? 0f : g,
            ActivationKind.LeakyRelu => o > 0f ? g : slope * g,
            ActivationKind.Tanh => g * (1f - o * o),
            ActivationKind.Sigmoid => g * o * (1f - o),
            _ => g,
        };
}
