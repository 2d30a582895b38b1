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
        var gemm = new GemmParams
        {
            M = outChannels, N = p, K = k, BatchCount = g.Batch,
            ARowStride = k, AColStride = 1, ABatchStride = 0,
            BRowStride = p, BColStride = 1, BBatchStride = k * p,
            CRowStride = p, CBatchStride = outChannels * p,
            Alpha = 1f, Beta = 0f,
        };
        Gemm.Run(dev, weight, col, y, gemm, "Conv2d.Forward");
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
            var gw = new GemmParams
            {
                M = outChannels, N = k, K = p, BatchCount = g.Batch, ReduceBatch = 1,
                ARowStride = p, AColStride = 1, ABatchStride = outChannels * p,
                BRowStride = 1, BColStride = p, BBatchStride = k * p,
                CRowStride = k,
                Alpha = 1f, Beta = 1f,
            };
            Gemm.Run(dev, dy, col, dWeight.Value, gw, "Conv2d.BackwardWeight");
        }
        if (dBias.HasValue)
            ChannelOps.SumInto(dev, dy, dBias.Value, new ChannelLayout { Batch = g.Batch, Channels = outChannels, Plane = p });
        if (dx.HasValue)
        {
            var gd = new GemmParams
            {
                M = k, N = p, K = outChannels, BatchCount = g.Batch,
                ARowStride = 1, AColStride = k, ABatchStride = 0,
                BRowStride = p, BColStride = 1, BBatchStride = outChannels * p,
                CRowStride = p, CBatchStride = k * p,
                Alpha = 1f, Beta = 0f,
            };
            Gemm.Run(dev, weight, dy, col, gd, "Conv2d.BackwardData");
            Unfold.Col2Im(dev, col, dx.Value, null, g);
        }
    }
}
