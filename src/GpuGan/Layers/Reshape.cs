using GpuGan.Device;

namespace GpuGan.Layers;

/// <summary>
/// Views (N, ...) as (N, Shape...) without copying; the gradient is viewed back. Flatten is Reshape to
/// (N, rest).
/// </summary>
public sealed class Reshape : Layer
{
    int[]? inputShape;

    /// <summary>Per-sample target shape; null flattens.</summary>
    public Reshape(ComputeDevice device, string name, int[]? shape) : base(device, name) => Shape = shape;

    public int[]? Shape { get; }

    public override Tensor Forward(Tensor x)
    {
        inputShape = x.Shape;
        if (Shape == null) return x.Flatten();
        int per = Tensor.Count(Shape);
        Require(x.Length == x.Shape[0] * per, $"{Name}: cannot view ({x.ShapeText}) as (N, {string.Join(", ", Shape)})");
        return x.Reshape([x.Shape[0], .. Shape]);
    }

    public override Tensor? Backward(Tensor dy, bool inputGradient = true) =>
        inputGradient ? dy.Reshape(inputShape ?? throw new InvalidOperationException($"{Name}: Backward before Forward")) : null;
}
