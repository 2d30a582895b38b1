using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;

namespace GpuGan.Ops;

/// <summary>
/// Conv2d as im2col + GEMM, PyTorch's conventions: weight (Cout, Cin, kh, kw), bias (Cout).
/// x: (N, Cin, H, W); y: (N, Cout, OutH, OutW); col workspace: (N, Cin*kh*kw, OutH*OutW).
/// </summary>
public static class Conv2dOps
{
    // Callers give the options and x's shape (N, Cin, H, W); the kernels' geometry is built here.
    static ConvGeometry Geometry(ConvOptions o, int[] xShape)
    {
        if (xShape.Length != 4) throw new ArgumentException($"Conv2d expects an input (N, C, H, W), got rank {xShape.Length}");
        return o.ForConv(xShape[0], xShape[1], xShape[2], xShape[3]);
    }

    /// <summary>(N, Cout, OutH, OutW); throws when the input is smaller than the kernel.</summary>
    public static int[] OutputShape(ConvOptions o, int[] xShape, int outChannels)
    {
        var g = Geometry(o, xShape);
        return [g.Batch, outChannels, g.OutH, g.OutW];
    }

    /// <summary>Length of the col workspace: N * Cin*kh*kw * OutH*OutW.</summary>
    public static int ColumnLength(ConvOptions o, int[] xShape) => Geometry(o, xShape).ColumnLength;

    // y = W * unfold(x) + b
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, ArrayView<float> col, ConvOptions o, int[] xShape, int outChannels) =>
        Forward(dev, x, weight, bias, y, col, Geometry(o, xShape), outChannels);

    // col must still hold unfold(x) from the forward pass; it is overwritten when dx is wanted.
    public static void Backward(ComputeDevice dev, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> col,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, ConvOptions o, int[] xShape, int outChannels) =>
        Backward(dev, dy, weight, col, dWeight, dBias, dx, Geometry(o, xShape), outChannels);

    internal static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, ArrayView<float> col, ConvGeometry g, int outChannels)
    {
        Unfold.Im2Col(dev, x, col, g);
        int k = g.ColumnRows, p = g.ColumnCols;
        Gemm.Batched(dev, weight, col, y, m: outChannels, n: p, k: k, g.Batch,
            transposeA: false, transposeB: false, sharedA: true, sumBatch: false, name: "Conv2d.Forward");
        if (bias.HasValue)
            ChannelOps.AddBias(dev, y, bias.Value, new ChannelLayout { Batch = g.Batch, Channels = outChannels, Plane = p });
    }

    // dW += sum_n dy[n] col[n]^T; db += sum dy; then (optionally) dx = fold(W^T dy), reusing col as dcol.
    // col must still hold unfold(x) from the forward pass; it is overwritten when dx is wanted.
    internal static void Backward(ComputeDevice dev, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> col,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, ConvGeometry g, int outChannels)
    {
        int k = g.ColumnRows, p = g.ColumnCols;
        if (dWeight.HasValue)
        {
            Gemm.Batched(dev, dy, col, dWeight.Value, m: outChannels, n: k, k: p, g.Batch,
                transposeA: false, transposeB: true, sharedA: false, sumBatch: true, beta: 1f, name: "Conv2d.BackwardWeight");
        }
        if (dBias.HasValue)
            ChannelOps.SumInto(dev, dy, dBias.Value, new ChannelLayout { Batch = g.Batch, Channels = outChannels, Plane = p });
        if (dx.HasValue)
        {
            Gemm.Batched(dev, weight, dy, col, m: k, n: p, k: outChannels, g.Batch,
                transposeA: true, transposeB: false, sharedA: true, sumBatch: false, name: "Conv2d.BackwardData");
            Unfold.Col2Im(dev, col, dx.Value, null, g);
        }
    }
}
