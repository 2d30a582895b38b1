using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// Joins a learned embedding of each sample's class label to its input: to the features of (N, F) inputs
/// (a conditional G: [z, embed(y)]), or as extra channels, the same at every position, of (N, C, H, W) inputs
/// (a D that sees the label beside the image). weight: (classes, dim), PyTorch's nn.Embedding, drawn N(0, 1).
/// Needs <see cref="Layer.Labels"/>.
/// </summary>
public sealed class LabelConcat : Layer
{
    Tensor? embedded, output, inputGrad, embeddedGrad;
    IntTensor? forwardLabels;
    int[]? inputShape;

    public LabelConcat(ComputeDevice device, string name, int classes, int dim) : base(device, name)
    {
        Require(classes > 0 && dim > 0, $"{name}: classes and embedding size must be positive");
        Classes = classes;
        Dim = dim;
        Weight = NewParameter("weight", ParameterInit.UnitNormal, classes, dim);
    }

    public int Classes { get; }
    public int Dim { get; }
    public Parameter Weight { get; }
    public override IEnumerable<Parameter> Parameters => [Weight];

    // x: (N, F) -> y: (N, F + dim);  x: (N, C, H, W) -> y: (N, C + dim, H, W)
    public override Tensor Forward(Tensor x)
    {
        Require(x.Rank is 2 or 4, $"{Name}: expected input (N, F) or (N, C, H, W), got ({x.ShapeText})");
        var labels = RequireLabels(this, x.Shape[0]);
        int n = x.Shape[0], c = x.Shape[1], plane = x.Length / (n * c);
        var e = Ensure(ref embedded, n, Dim);
        EmbeddingOps.Forward(Device, labels.View, Weight.Value.View, e.View, n, Classes, Dim);
        int[] shape = [.. x.Shape];
        shape[1] = c + Dim;
        var y = Ensure(ref output, shape);
        ConcatOps.Channels(Device, x.View, e.View, y.View, n, c, Dim, plane, broadcastB: true);
        forwardLabels = labels;
        inputShape = x.Shape;
        return y;
    }

    // dy: (N, F + dim) or (N, C + dim, H, W) -> dx: the input's shape; weight.grad += the label rows' share
    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        var shape = inputShape ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        int n = shape[0], c = shape[1], plane = Tensor.Count(shape) / (n * c);
        var dx = inputGradient ? Ensure(ref inputGrad, shape) : null;
        var de = ParameterGradients ? Ensure(ref embeddedGrad, n, Dim) : null;
        if (dx == null && de == null) return null;
        ConcatOps.SplitChannels(Device, dy.View, dx?.View, de?.View, n, c, Dim, plane, broadcastB: true);
        if (de != null) EmbeddingOps.Backward(Device, forwardLabels!.View, de.View, Weight.Grad.View, n, Classes, Dim);
        return dx;
    }

    /// <summary>The labels set for a batch of <paramref name="n"/>, or a clear error when a conditional layer has none.</summary>
    internal static IntTensor RequireLabels(Layer layer, int n)
    {
        var labels = layer.Labels ?? throw new InvalidOperationException($"{layer.Name}: a conditional layer needs class labels: set Labels ({n}) before Forward");
        if (labels.Length != n) throw new ArgumentException($"{layer.Name}: {labels.Length} labels for a batch of {n}");
        return labels;
    }

    public override void Dispose()
    {
        embedded?.Dispose();
        output?.Dispose();
        inputGrad?.Dispose();
        embeddedGrad?.Dispose();
        base.Dispose();
    }
}
