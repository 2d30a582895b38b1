using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// Transposed 2-D convolution. weight: (Cin, Cout, kh, kw); bias: (Cout). x: (N, Cin, H, W);
/// y: (N, Cout, (H-1)*s - 2p + k + output_padding, ...).
/// </summary>
public sealed class ConvTranspose2d(ComputeDevice device, string name, int inChannels, int outChannels, ConvOptions options, bool bias = true)
    : ConvLayer(device, name, inChannels, outChannels, options, bias, transposed: true)
{
    protected override int[] OutputShape(Tensor x) => ConvTranspose2dOps.OutputShape(Options, x.Shape, OutChannels);

    protected override int ColumnLength(Tensor x) => ConvTranspose2dOps.ColumnLength(Options, x.Shape, OutChannels);

    // y = fold(W^T x) + b
    protected override void RunForward(Tensor x, Tensor y, Tensor col) =>
        ConvTranspose2dOps.Forward(Device, x.View, Weight.Value.View, Bias?.Value.View, y.View, col.View, Options, x.Shape, OutChannels);

    // dcol = unfold(dy); dx = W dcol; dW += x dcol^T; db += sum dy
    protected override void RunBackward(Tensor x, Tensor dy, Tensor col, Tensor? dx) =>
        ConvTranspose2dOps.Backward(Device, x.View, dy.View, Weight.Value.View, col.View, WeightGrad, BiasGrad, dx?.View, Options, x.Shape, OutChannels);
}
