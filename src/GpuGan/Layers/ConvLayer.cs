using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// What Conv2d and ConvTranspose2d share: options, weight and bias, the unfolded-columns workspace and the
/// output / input-gradient buffers. Subclasses give the weight layout, the sizes and the two op calls.
/// With a bias it fuses the <see cref="Activation"/> after it (<see cref="IFusesActivation"/>): the bias add and f run
/// in one launch forward, and f' (read from the output) with the bias gradient's sum in one launch backward.
/// </summary>
public abstract class ConvLayer : Layer, IFusesActivation
{
    Tensor? output, inputGrad, columns;
    Tensor? preActivationGrad; // dy * f' for the GEMMs, when an activation is fused
    Activation? fusedLast; // the activation the last Forward applied (null: none)
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
    /// <summary>y = f(conv(x) + b); f Identity when no activation is fused.</summary>
    protected abstract void RunForward(Tensor x, Tensor y, Tensor col, ActivationFunction f, float slope);
    /// <summary>Gradients of y = f(conv(x) + b): g receives dy * f'(read from y) when f is fused (null otherwise).</summary>
    protected abstract void RunBackward(Tensor x, Tensor dy, Tensor col, Tensor? dx, ActivationFunction f, float slope, Tensor y, Tensor? g);

    /// <summary>
    /// With a bias, any activation the kernels apply (the set BatchNorm fuses; LeakyReLU's slope positive, so f' can be
    /// read from the output). Without one there is no launch to fold f into.
    /// </summary>
    public bool CanFuse(Activation activation) =>
        Bias != null
        && activation.Kind is ActivationFunction.Relu or ActivationFunction.LeakyRelu or ActivationFunction.Tanh or ActivationFunction.Sigmoid
        && (activation.Kind != ActivationFunction.LeakyRelu || activation.Slope > 0f);

    // x: (N, Cin, H, W) -> y: (N, Cout, OutH, OutW)
    public override Tensor Forward(Tensor x) => Forward(x, null);

    // y = f(conv(x) + b): same shapes as Forward
    public Tensor ForwardFused(Tensor x, Activation activation) => Forward(x, activation);

    public override Tensor? Backward(Tensor dy, bool inputGradient = true) => Backward(dy, null, inputGradient);

    // dy: (N, Cout, OutH, OutW) for y = f(conv(x) + b) -> dx: (N, Cin, H, W)
    public Tensor? BackwardFused(Tensor dy, Activation activation, bool inputGradient) => Backward(dy, activation, inputGradient);

    Tensor Forward(Tensor x, Activation? activation)
    {
        Require(x.Rank == 4 && x.Shape[1] == InChannels, $"{Name}: expected input (N, {InChannels}, H, W), got ({x.ShapeText})");
        if (activation != null) Require(CanFuse(activation), $"{Name}: cannot fuse {activation.Name}");
        Input = x;
        fusedLast = activation;
        var col = Ensure(ref columns, ColumnLength(x));
        var y = Ensure(ref output, OutputShape(x));
        RunForward(x, y, col, Kind(activation), Slope(activation));
        return y;
    }

    Tensor? Backward(Tensor dy, Activation? activation, bool inputGradient)
    {
        var x = Input ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        if (activation != fusedLast)
            throw new InvalidOperationException($"{Name}: Backward with activation {activation?.Name ?? "none"} after a Forward with {fusedLast?.Name ?? "none"}");
        var dx = inputGradient ? Ensure(ref inputGrad, x.Shape) : null;
        var g = activation == null ? null : Ensure(ref preActivationGrad, output!.Shape);
        RunBackward(x, dy, columns!, dx, Kind(activation), Slope(activation), output!, g);
        return dx;
    }

    static ActivationFunction Kind(Activation? a) => a?.Kind ?? ActivationFunction.Identity;
    static float Slope(Activation? a) => a?.Slope ?? 0f;

    protected ILGPU.ArrayView<float>? WeightGrad => ParameterGradients ? Weight.Grad.View : null;
    protected ILGPU.ArrayView<float>? BiasGrad => ParameterGradients ? Bias?.Grad.View : null;

    public override void Dispose()
    {
        output?.Dispose();
        inputGrad?.Dispose();
        columns?.Dispose();
        preActivationGrad?.Dispose();
        base.Dispose();
    }
}
