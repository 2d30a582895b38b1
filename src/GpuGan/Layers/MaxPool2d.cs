using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// 2-D max pooling as PyTorch's MaxPool2d (floor mode, padding counts as -inf, ties go to the first max in
/// row-major window order). x: (N, C, H, W); y: (N, C, OutH, OutW). No parameters; Forward keeps the argmax
/// of every window, Backward routes dy to it.
/// </summary>
public sealed class MaxPool2d : Layer
{
    Tensor? output, inputGrad;
    IntTensor? argmax;
    int[]? inputShape;

    public MaxPool2d(ComputeDevice device, string name, int kernel, int stride, int padding = 0)
        : this(device, name, new PoolOptions(kernel, kernel, stride, stride, padding, padding)) { }

    public MaxPool2d(ComputeDevice device, string name, PoolOptions options) : base(device, name)
    {
        try { options.Validate(); }
        catch (ArgumentException e) { throw new ArgumentException($"{name}: {e.Message}", e); }
        Options = options;
    }

    public PoolOptions Options { get; }

    public override Tensor Forward(Tensor x)
    {
        Require(x.Rank == 4, $"{Name}: expected input (N, C, H, W), got ({x.ShapeText})");
        var shape = MaxPool2dOps.OutputShape(Options, x.Shape);
        var y = Ensure(ref output, shape);
        if (argmax == null || !argmax.Shape.AsSpan().SequenceEqual(shape))
        {
            argmax?.Dispose();
            argmax = Device.AllocateInts(shape);
        }
        inputShape = x.Shape;
        MaxPool2dOps.Forward(Device, x.View, y.View, argmax.View, Options, x.Shape);
        return y;
    }

    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        if (!inputGradient) return null;
        var shape = inputShape ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        Require(dy.Length == argmax!.Length, $"{Name}: expected dy of ({argmax.ShapeText}), got ({dy.ShapeText})");
        var dx = Ensure(ref inputGrad, shape);
        MaxPool2dOps.Backward(Device, dy.View, argmax.View, dx.View, Options, shape);
        return dx;
    }

    public override void Dispose()
    {
        output?.Dispose();
        inputGrad?.Dispose();
        argmax?.Dispose();
        base.Dispose();
    }
}
