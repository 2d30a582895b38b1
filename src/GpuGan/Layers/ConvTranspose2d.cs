using GpuGan.Device;
using GpuGan.Kernels;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// Transposed 2-D convolution. weight: (Cin, Cout, kh, kw); bias: (Cout). x: (N, Cin, H, W);
/// y: (N, Cout, (H-1)*s - 2p + k + output_padding, ...).
/// </summary>
public sealed class ConvTranspose2d : Layer
{
    Tensor? input, output, inputGrad, columns;
    ConvGeometry geometry;

    public ConvTranspose2d(ComputeDevice device, string name, int inChannels, int outChannels, ConvOptions options, bool bias = true) : base(device, name)
    {
        Require(inChannels > 0 && outChannels > 0, $"{name}: channel counts must be positive");
        options.Validate(transposed: true);
        InChannels = inChannels;
        OutChannels = outChannels;
        Options = options;
        Weight = NewParameter("weight", inChannels, outChannels, options.KernelH, options.KernelW);
        Bias = bias ? NewParameter("bias", outChannels) : null;
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public ConvOptions Options { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public override IEnumerable<Parameter> Parameters => Bias == null ? [Weight] : [Weight, Bias];

    public override Tensor Forward(Tensor x)
    {
        Require(x.Rank == 4 && x.Shape[1] == InChannels, $"{Name}: expected input (N, {InChannels}, H, W), got ({x.ShapeText})");
        input = x;
        geometry = Options.ForTransposed(x.Shape[0], OutChannels, x.Shape[2], x.Shape[3]);
        var col = Ensure(ref columns, geometry.ColumnLength);
        var y = Ensure(ref output, x.Shape[0], OutChannels, geometry.InH, geometry.InW);
        ConvTranspose2dOps.Forward(Device, x.View, Weight.Value.View, Bias?.Value.View, y.View, col.View, geometry, InChannels);
        return y;
    }

    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        var x = input ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        var dx = inputGradient ? Ensure(ref inputGrad, x.Shape) : null;
        ConvTranspose2dOps.Backward(Device, x.View, dy.View, Weight.Value.View, columns!.View,
            ParameterGradients ? Weight.Grad.View : null, ParameterGradients ? Bias?.Grad.View : null, dx?.View, geometry, InChannels);
        return dx;
    }

    public override void Dispose()
    {
        output?.Dispose();
        inputGrad?.Dispose();
        columns?.Dispose();
        base.Dispose();
    }
}
