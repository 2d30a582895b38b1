using ILGPU;

namespace GpuGan.Kernels;

/// <summary>x[i] = value: zeroing gradients and poisoning outputs in tests.</summary>
public static class Fill
{
    public static void Kernel(Index1D i, ArrayView<float> x, float value) => x[i] = value;
}

/// <summary>y[i] = x[i] (copies between views of different buffers).</summary>
public static class Copy
{
    public static void Kernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = x[i];
}
