using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// What Conv2d and ConvTranspose2d share: options, weight and bias, the unfolded-columns workspace and the
/// output / input-gradient buffers. Subclasses give the weight layout, the sizes and the two op calls.
/// </summary>
public abstract class ConvLayer : Layer
{
    Tensor? output, inputGrad, columns;
    protected Tensor? Input { get; private set; }

    protected ConvLayer(ComputeDevice device, string name, int inChannels, int outChannels, ConvOptions options, bool bias, bool transposed)
        : base(device, name)
    {
        Require(inChannels > 0 && outChannels > 0, $"{name}: channel counts must be positive");
        options.Validate(transposed);
        InChannels = inChannels;
        OutChannels = outChannels;
        Options = options;
        // PyTorch's layouts: Conv2d (Cout, Cin, kh, kw); ConvTranspose2d (Cin, Cout, kh, kw).
        Weight = transposed
            ? NewParameter("weight", inChannels, outChannels, options.KernelH, options.KernelW)
            : NewParameter("weight", outChannels, inChannels, options.KernelH, options.KernelW);
        Bias = bias ? NewParameter("bias", outChannels) : null;
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public ConvOptions Options { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }
    public override IEnumerable<Parameter> Parameters => Bias == null ? [Weight] : [Weight, Bias];

    protected abstract int[] OutputShape(Tensor x);
    protected abstract int ColumnLength(Tensor x);
    protected abstract void RunForward(Tensor x, Tensor y, Tensor col);
    protected abstract void RunBackward(Tensor x, Tensor dy, Tensor col, Tensor? dx);

    public override Tensor Forward(Tensor x)
    {
        Require(x.Rank == 4 && x.Shape[1] == InChannels, $"{Name}: expected input (N, {InChannels}, H, W), got ({x.ShapeText})");
        Input = x;
        var col = Ensure(ref columns, ColumnLength(x));
        var y = Ensure(ref output, OutputShape(x));
        RunForward(x, y, col);
        return y;
    }

    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        var x = Input ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        var dx = inputGradient ? Ensure(ref inputGrad, x.Shape) : null;
        RunBackward(x, dy, columns!, dx);
        return dx;
    }

    protected ILGPU.ArrayView<float>? WeightGrad => ParameterGradients ? Weight.Grad.View : null;
    protected ILGPU.ArrayView<float>? BiasGrad => ParameterGradients ? Bias?.Grad.View : null;

    public override void Dispose()
    {
        output?.Dispose();
        inputGrad?.Dispose();
        columns?.Dispose();
        base.Dispose();
    }
}
