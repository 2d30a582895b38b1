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

    // y = f(W * unfold(x) + b), f the fused activation (Identity: none); bias + f in one launch.
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, ArrayView<float> col, ConvOptions o, int[] xShape, int outChannels,
        ActivationFunction activation = ActivationFunction.Identity, float slope = 0f) =>
        Forward(dev, x, weight, bias, y, col, Geometry(o, xShape), outChannels, activation, slope);

    // col must still hold unfold(x) from the forward pass; it is overwritten when dx is wanted. With a fused activation,
    // y is the forward output (f' is read from it) and g: (N, Cout, OutH, OutW) receives dy * f'.
    public static void Backward(ComputeDevice dev, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> col,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, ConvOptions o, int[] xShape, int outChannels,
        ActivationFunction activation = ActivationFunction.Identity, float slope = 0f, ArrayView<float>? y = null, ArrayView<float>? g = null) =>
        Backward(dev, dy, weight, col, dWeight, dBias, dx, Geometry(o, xShape), outChannels, activation, slope, y, g);

    internal static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, ArrayView<float> col, ConvGeometry g, int outChannels, ActivationFunction activation, float slope)
    {
        Unfold.Im2Col(dev, x, col, g);
        int k = g.ColumnRows, p = g.ColumnCols;
        Gemm.Batched(dev, weight, col, y, m: outChannels, n: p, k: k, g.Batch,
            transposeA: false, transposeB: false, sharedA: true, sumBatch: false, name: "Conv2d.Forward");
        ChannelOps.BiasForward(dev, y, bias, new ChannelLayout { Batch = g.Batch, Channels = outChannels, Plane = p }, activation, slope);
    }

    // dz = dy * f'(y) (dy itself without f) and db += sum dz in one launch; dW += sum_n dz[n] col[n]^T; then
    // (optionally) dx = fold(W^T dz), reusing col as dcol. col must still hold unfold(x) from the forward pass.
    internal static void Backward(ComputeDevice dev, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> col,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, ConvGeometry g, int outChannels,
        ActivationFunction activation, float slope, ArrayView<float>? y, ArrayView<float>? preActivationGrad)
    {
        int k = g.ColumnRows, p = g.ColumnCols;
        var l = new ChannelLayout { Batch = g.Batch, Channels = outChannels, Plane = p };
        dy = ChannelOps.BiasBackward(dev, y, dy, preActivationGrad, dBias, l, activation, slope, wanted: dWeight.HasValue || dx.HasValue);
        if (dWeight.HasValue)
        {
            Gemm.Batched(dev, dy, col, dWeight.Value, m: outChannels, n: k, k: p, g.Batch,
                transposeA: false, transposeB: true, sharedA: false, sumBatch: true, beta: 1f, name: "Conv2d.BackwardWeight");
        }
        if (dx.HasValue)
        {
            Gemm.Batched(dev, weight, dy, col, m: k, n: p, k: outChannels, g.Batch,
                transposeA: true, transposeB: false, sharedA: true, sumBatch: false, name: "Conv2d.BackwardData");
            Unfold.Col2Im(dev, col, dx.Value, null, g);
        }
    }
}
