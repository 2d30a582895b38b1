using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>2-D convolution. weight: (Cout, Cin, kh, kw); bias: (Cout). x: (N, Cin, H, W); y: (N, Cout, OutH, OutW).</summary>
public sealed class Conv2d(ComputeDevice device, string name, int inChannels, int outChannels, ConvOptions options, bool bias = true)
    : ConvLayer(device, name, inChannels, outChannels, options, bias, transposed: false)
{
    protected override int[] OutputShape(Tensor x) => Conv2dOps.OutputShape(Options, x.Shape, OutChannels);

    protected override int ColumnLength(Tensor x) => Conv2dOps.ColumnLength(Options, x.Shape);

    // y = f(W * unfold(x) + b)
    protected override void RunForward(Tensor x, Tensor y, Tensor col, ActivationFunction f, float slope) =>
        Conv2dOps.Forward(Device, x.View, Weight.Value.View, Bias?.Value.View, y.View, col.View, Options, x.Shape, OutChannels, f, slope);

    // dz = dy f'(y); dW += dz unfold(x)^T; db += sum dz; dx = fold(W^T dz)
    protected override void RunBackward(Tensor x, Tensor dy, Tensor col, Tensor? dx, ActivationFunction f, float slope, Tensor y, Tensor? g) =>
        Conv2dOps.Backward(Device, dy.View, Weight.Value.View, col.View, WeightGrad, BiasGrad, dx?.View, Options, x.Shape, OutChannels, f, slope, y.View, g?.View);
}
