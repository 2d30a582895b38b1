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

    // y = f(fold(W^T x) + b)
    protected override void RunForward(Tensor x, Tensor y, Tensor col, ActivationFunction f, float slope) =>
        ConvTranspose2dOps.Forward(Device, x.View, Weight.Value.View, Bias?.Value.View, y.View, col.View, Options, x.Shape, OutChannels, f, slope);

    // dz = dy f'(y); dcol = unfold(dz); dx = W dcol; dW += x dcol^T; db += sum dz
    protected override void RunBackward(Tensor x, Tensor dy, Tensor col, Tensor? dx, ActivationFunction f, float slope, Tensor y, Tensor? g) =>
        ConvTranspose2dOps.Backward(Device, x.View, dy.View, Weight.Value.View, col.View, WeightGrad, BiasGrad, dx?.View, Options, x.Shape, OutChannels, f, slope, y.View, g?.View);
}
