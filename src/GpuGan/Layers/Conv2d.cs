using GpuGan.Device;
using GpuGan.Kernels;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>2-D convolution. weight: (Cout, Cin, kh, kw); bias: (Cout). x: (N, Cin, H, W); y: (N, Cout, OutH, OutW).</summary>
public sealed class Conv2d : Layer
{
    Tensor? input, output, inputGrad, columns;
    ConvGeometry geometry;

    public Conv2d(ComputeDevice device, string name, int inChannels, int outChannels, ConvOptions options, bool bias = true) : base(device, name)
    {
        Require(inChannels > 0 && outChannels > 0, $"{name}: channel counts must be positive");
        options.Validate(transposed: false);
        InChannels = inChannels;
        OutChannels = outChannels;
        Options = options;
        Weight = NewParameter("weight", outChannels, inChannels, options.KernelH, options.KernelW);
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
        geometry = Options.ForConv(x.Shape[0], InChannels, x.Shape[2], x.Shape[3]);
        var col = Ensure(ref columns, geometry.ColumnLength);
        var y = Ensure(ref output, x.Shape[0], OutChannels, geometry.OutH, geometry.OutW);
        Conv2dOps.Forward(Device, x.View, Weight.Value.View, Bias?.Value.View, y.View, col.View, geometry, OutChannels);
        return y;
    }

    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        var x = input ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        var dx = inputGradient ? Ensure(ref inputGrad, x.Shape) : null;
        Conv2dOps.Backward(Device, dy.View, Weight.Value.View, columns!.View,
            ParameterGradients ? Weight.Grad.View : null, ParameterGradients ? Bias?.Grad.View : null, dx?.View, geometry, OutChannels);
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
