using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;

namespace GpuGan.Ops;

/// <summary>
/// ConvTranspose2d as GEMM + col2im (the adjoint of Conv2d), PyTorch's conventions: weight (Cin, Cout, kh, kw),
/// bias (Cout), output size (H - 1)*s - 2p + k + output_padding.
/// x: (N, Cin, H, W); y: (N, Cout, OutH, OutW); col workspace: (N, Cout*kh*kw, H*W).
/// The geometry g has the output as its image side and the input as its column side.
/// </summary>
public static class ConvTranspose2dOps
{
    // Callers give the options and x's shape (N, Cin, H, W); the kernels' geometry is built here.
    static ConvGeometry Geometry(ConvOptions o, int[] xShape, int outChannels)
    {
        if (xShape.Length != 4) throw new ArgumentException($"ConvTranspose2d expects an input (N, C, H, W), got rank {xShape.Length}");
        return o.ForTransposed(xShape[0], outChannels, xShape[2], xShape[3]);
    }

    /// <summary>(N, Cout, (H-1)*s - 2p + k + output_padding, ...).</summary>
    public static int[] OutputShape(ConvOptions o, int[] xShape, int outChannels)
    {
        var g = Geometry(o, xShape, outChannels);
        return [g.Batch, outChannels, g.InH, g.InW];
    }

    /// <summary>Length of the col workspace: N * Cout*kh*kw * H*W.</summary>
    public static int ColumnLength(ConvOptions o, int[] xShape, int outChannels) => Geometry(o, xShape, outChannels).ColumnLength;

    // y = fold(W^T x) + b
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, ArrayView<float> col, ConvOptions o, int[] xShape, int outChannels) =>
        Forward(dev, x, weight, bias, y, col, Geometry(o, xShape, outChannels), xShape[1]);

    public static void Backward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> col,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, ConvOptions o, int[] xShape, int outChannels) =>
        Backward(dev, x, dy, weight, col, dWeight, dBias, dx, Geometry(o, xShape, outChannels), xShape[1]);

    internal static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, ArrayView<float> col, ConvGeometry g, int inChannels)
    {
        int k = g.ColumnRows, p = g.ColumnCols;
        var gemm = new GemmParams
        {
            M = k, N = p, K = inChannels, BatchCount = g.Batch,
            ARowStride = 1, AColStride = k, ABatchStride = 0,
            BRowStride = p, BColStride = 1, BBatchStride = inChannels * p,
            CRowStride = p, CBatchStride = k * p,
            Alpha = 1f, Beta = 0f,
        };
        Gemm.Run(dev, weight, x, col, gemm, "ConvTranspose2d.Forward");
        Unfold.Col2Im(dev, col, y, bias, g);
    }

    // dcol = unfold(dy); dx = W dcol; dW += sum_n x[n] dcol[n]^T; db += sum dy.
    internal static void Backward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> col,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, ConvGeometry g, int inChannels)
    {
        int k = g.ColumnRows, p = g.ColumnCols;
        if (!dWeight.HasValue && !dx.HasValue && !dBias.HasValue) return;
        if (dWeight.HasValue || dx.HasValue) Unfold.Im2Col(dev, dy, col, g);
        if (dWeight.HasValue)
        {
            var gw = new GemmParams
            {
                M = inChannels, N = k, K = p, BatchCount = g.Batch, ReduceBatch = 1,
                ARowStride = p, AColStride = 1, ABatchStride = inChannels * p,
                BRowStride = 1, BColStride = p, BBatchStride = k * p,
                CRowStride = k,
                Alpha = 1f, Beta = 1f,
            };
            Gemm.Run(dev, x, col, dWeight.Value, gw, "ConvTranspose2d.BackwardWeight");
        }
        if (dBias.HasValue)
            ChannelOps.SumInto(dev, dy, dBias.Value, new ChannelLayout { Batch = g.Batch, Channels = g.Channels, Plane = g.InH * g.InW });
        if (dx.HasValue)
        {
            var gd = new GemmParams
            {
                M = inChannels, N = p, K = k, BatchCount = g.Batch,
                ARowStride = k, AColStride = 1, ABatchStride = 0,
                BRowStride = p, BColStride = 1, BBatchStride = k * p,
                CRowStride = p, CBatchStride = inChannels * p,
                Alpha = 1f, Beta = 0f,
            };
            Gemm.Run(dev, weight, col, dx.Value, gd, "ConvTranspose2d.BackwardData");
        }
    }
}
