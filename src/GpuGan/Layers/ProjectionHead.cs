using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// The projection discriminator's output (Miyato and Koyama 2018; StudioGAN's PD): D(x, y) = w·φ(x) + b +
/// embed(y)·φ(x), so the label asks "does φ(x) point where class y's images point" instead of being one more input.
/// Parameters under PyTorch's module names: {fc}.weight (1, F), {fc}.bias (1) and {embed}.weight (classes, F),
/// drawn like D's other weights. Needs <see cref="Layer.Labels"/>.
/// </summary>
public sealed class ProjectionHead : Layer
{
    readonly Linear linear;
    readonly Parameter embedding;
    Tensor? embedded, embeddedGrad, input;
    IntTensor? forwardLabels;

    /// <param name="name">the linear part's name (e.g. D.fc); <paramref name="embedName"/> the embedding's (e.g. D.embed)</param>
    public ProjectionHead(ComputeDevice device, string name, string embedName, int features, int classes) : base(device, name)
    {
        Require(features > 0 && classes > 0, $"{name}: features and classes must be positive");
        Features = features;
        Classes = classes;
        linear = new Linear(device, name, features, 1);
        var value = device.Allocate(classes, features);
        var grad = device.Allocate(classes, features);
        ElementwiseOps.Fill(device, value.View, value.Length, 0f);
        ElementwiseOps.Fill(device, grad.View, grad.Length, 0f);
        embedding = new Parameter($"{embedName}.weight", value, grad);
    }

    public int Features { get; }
    public int Classes { get; }
    public override IEnumerable<Parameter> Parameters => [.. linear.Parameters, embedding];

    public override bool ParameterGradients
    {
        get => base.ParameterGradients;
        set { base.ParameterGradients = value; linear.ParameterGradients = value; }
    }

    // phi: (N, F) -> y: (N, 1) = phi W^T + b + rowsum(embed[labels] * phi)
    public override Tensor Forward(Tensor phi)
    {
        Require(phi.Rank == 2 && phi.Shape[1] == Features, $"{Name}: expected input (N, {Features}), got ({phi.ShapeText})");
        int n = phi.Shape[0];
        var labels = LabelConcat.RequireLabels(this, n);
        var y = linear.Forward(phi);
        var e = Ensure(ref embedded, n, Features);
        EmbeddingOps.Forward(Device, labels.View, embedding.Value.View, e.View, n, Classes, Features);
        RowDotOps.Forward(Device, phi.View, e.View, y.View, n, Features, accumulate: true);
        forwardLabels = labels;
        input = phi;
        return y;
    }

    // dy: (N, 1) -> dphi: (N, F) = dy W + dy * embed[labels]; embed.grad[labels[n]] += dy[n] phi[n]
    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        var phi = input ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        int n = phi.Shape[0];
        var dphi = linear.Backward(dy, inputGradient);
        var de = ParameterGradients ? Ensure(ref embeddedGrad, n, Features) : null;
        if (dphi == null && de == null) return null;
        // One RowDot backward with a = phi, b = embed[labels]: da adds to the linear path's dphi, db is the row's gradient.
        RowDotOps.Backward(Device, dy.View, phi.View, embedded!.View, dphi?.View, de?.View, n, Features, accumulateDa: true);
        if (de != null) EmbeddingOps.Backward(Device, forwardLabels!.View, de.View, embedding.Grad.View, n, Classes, Features);
        return dphi;
    }

    public override void Dispose()
    {
        linear.Dispose();
        embedding.Dispose();
        embedded?.Dispose();
        embeddedGrad?.Dispose();
        GC.SuppressFinalize(this);
    }
}
