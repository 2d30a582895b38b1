using GpuGan.Device;
using GpuGan.Kernels;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// Transposed 2-D convolution. weight: (Cin, Cout, kh, kw); bias: (Cout). x: (N, Cin, H, W);
/// y: (N, Cout, (H-1)*s - 2p + k + output_padding, ...).
/// </summary>
public sealed class ConvTranspose2d(ComputeDevice device, string name, int inChannels, int outChannels, ConvOptions options, bool bias = true)
    : ConvLayer(device, name, inChannels, outChannels, options, bias, transposed: true)
{
    protected override ConvGeometry GeometryFor(Tensor x) => Options.ForTransposed(x.Shape[0], OutChannels, x.Shape[2], x.Shape[3]);

    // The geometry's image side is this layer's output.
    protected override int[] OutputShape(Tensor x, ConvGeometry g) => [x.Shape[0], OutChannels, g.InH, g.InW];

    // y = fold(W^T x) + b
    protected override void RunForward(Tensor x, Tensor y, Tensor col, ConvGeometry g) =>
        ConvTranspose2dOps.Forward(Device, x.View, Weight.Value.View, Bias?.Value.View, y.View, col.View, g, InChannels);

    // dcol = unfold(dy); dx = W dcol; dW += x dcol^T; db += sum dy
    protected override void RunBackward(Tensor x, Tensor dy, Tensor col, Tensor? dx, ConvGeometry g) =>
        ConvTranspose2dOps.Backward(Device, x.View, dy.View, Weight.Value.View, col.View, WeightGrad, BiasGrad, dx?.View, g, InChannels);
}
