using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>y = x W^T + b. weight: (out, in); bias: (out). x: (N, in); y: (N, out).</summary>
public sealed class Linear : Layer
{
    Tensor? input, output, inputGrad;

    public Linear(ComputeDevice device, string name, int inFeatures, int outFeatures, bool bias = true) : base(device, name)
    {
        Require(inFeatures > 0 && outFeatures > 0, $"{name}: Linear sizes must be positive");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = NewParameter("weight", outFeatures, inFeatures);
        Bias = bias ? NewParameter("bias", outFeatures) : null;
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public override IEnumerable<Parameter> Parameters => Bias == null ? [Weight] : [Weight, Bias];

    // x: (N, in) -> y: (N, out)
    public override Tensor Forward(Tensor x)
    {
        Require(x.Rank == 2 && x.Shape[1] == InFeatures, $"{Name}: expected input (N, {InFeatures}), got ({x.ShapeText})");
        input = x;
        var y = Ensure(ref output, x.Shape[0], OutFeatures);
        LinearOps.Forward(Device, x.View, Weight.Value.View, Bias?.Value.View, y.View, x.Shape[0], InFeatures, OutFeatures);
        return y;
    }

    // dy: (N, out) -> dx: (N, in)
    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        var x = input ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        int n = x.Shape[0];
        var dx = inputGradient ? Ensure(ref inputGrad, n, InFeatures) : null;
        LinearOps.Backward(Device, x.View, dy.View, Weight.Value.View,
            ParameterGradients ? Weight.Grad.View : null, ParameterGradients ? Bias?.Grad.View : null, dx?.View, n, InFeatures, OutFeatures);
        return dx;
    }

    public override void Dispose()
    {
        output?.Dispose();
        inputGrad?.Dispose();
        base.Dispose();
    }
}
