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

    // y = f(fold(W^T x) + b), f the fused activation (Identity: none), folded, biased and activated in one launch.
    public static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, ArrayView<float> col, ConvOptions o, int[] xShape, int outChannels,
        ActivationFunction activation = ActivationFunction.Identity, float slope = 0f) =>
        Forward(dev, x, weight, bias, y, col, Geometry(o, xShape, outChannels), xShape[1], activation, slope);

    // With a fused activation, y is the forward output (f' is read from it) and g: (N, Cout, OutH, OutW) receives dy * f'.
    public static void Backward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> col,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, ConvOptions o, int[] xShape, int outChannels,
        ActivationFunction activation = ActivationFunction.Identity, float slope = 0f, ArrayView<float>? y = null, ArrayView<float>? g = null) =>
        Backward(dev, x, dy, weight, col, dWeight, dBias, dx, Geometry(o, xShape, outChannels), xShape[1], activation, slope, y, g);

    internal static void Forward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> weight, ArrayView<float>? bias,
        ArrayView<float> y, ArrayView<float> col, ConvGeometry g, int inChannels, ActivationFunction activation, float slope)
    {
        int k = g.ColumnRows, p = g.ColumnCols;
        Gemm.Batched(dev, weight, x, col, m: k, n: p, k: inChannels, g.Batch,
            transposeA: true, transposeB: false, sharedA: true, sumBatch: false, name: "ConvTranspose2d.Forward");
        Unfold.Col2Im(dev, col, y, bias, g, activation, slope);
    }

    // dz = dy * f'(y) (dy itself without f) and db += sum dz in one launch; dcol = unfold(dz); dx = W dcol;
    // dW += sum_n x[n] dcol[n]^T.
    internal static void Backward(ComputeDevice dev, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> col,
        ArrayView<float>? dWeight, ArrayView<float>? dBias, ArrayView<float>? dx, ConvGeometry g, int inChannels,
        ActivationFunction activation, float slope, ArrayView<float>? y, ArrayView<float>? preActivationGrad)
    {
        int k = g.ColumnRows, p = g.ColumnCols;
        if (!dWeight.HasValue && !dx.HasValue && !dBias.HasValue) return;
        var l = new ChannelLayout { Batch = g.Batch, Channels = g.Channels, Plane = g.InH * g.InW };
        dy = ChannelOps.BiasBackward(dev, y, dy, preActivationGrad, dBias, l, activation, slope, wanted: dWeight.HasValue || dx.HasValue);
        if (dWeight.HasValue || dx.HasValue) Unfold.Im2Col(dev, dy, col, g);
        if (dWeight.HasValue)
        {
            Gemm.Batched(dev, x, col, dWeight.Value, m: inChannels, n: k, k: p, g.Batch,
                transposeA: false, transposeB: true, sharedA: false, sumBatch: true, beta: 1f, name: "ConvTranspose2d.BackwardWeight");
        }
        if (dx.HasValue)
        {
            Gemm.Batched(dev, weight, col, dx.Value, m: inChannels, n: p, k: k, g.Batch,
                transposeA: false, transposeB: false, sharedA: true, sumBatch: false, name: "ConvTranspose2d.BackwardData");
        }
    }
}
