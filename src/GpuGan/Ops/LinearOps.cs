using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;

namespace GpuGan.Ops;

/// <summary>Linear (fully connected), PyTorch's conventions: weight (out, in), bias (out). x: (N, in); y: (N, out).</summary>
public static class LinearOps
{
    // y = x W^T + b
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, int batch, int inFeatures, int outFeatures)
    {
        Gemm.Run(dev, x, weight, y, Gemm.Dense(batch, outFeatures, inFeatures, transposeA: false, transposeB: true), "Linear.Forward");
        if (bias.HasValue)
            ChannelOps.AddBias(dev, y, bias.Value, new ChannelLayout { Batch = batch, Channels = outFeatures, Plane = 1 });
    }

    // dW += dy^T x; db += column sums of dy; dx = dy W
    public static void Backward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> weight,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, int batch, int inFeatures, int outFeatures)
    {
        if (dWeight.HasValue)
            Gemm.Run(dev, dy, x, dWeight.Value, Gemm.Dense(outFeatures, inFeatures, batch, transposeA: true, transposeB: false, beta: 1f), "Linear.BackwardWeight");
        if (dBias.HasValue)
            ChannelOps.SumInto(dev, dy, dBias.Value, new ChannelLayout { Batch = batch, Channels = outFeatures, Plane = 1 });
        if (dx.HasValue)
            Gemm.Run(dev, dy, weight, dx.Value, Gemm.Dense(batch, inFeatures, outFeatures, transposeA: false, transposeB: false), "Linear.BackwardData");
    }
}
