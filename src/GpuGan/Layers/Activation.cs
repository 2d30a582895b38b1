using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>ReLU, LeakyReLU(slope > 0), Tanh, Sigmoid: y = f(x) elementwise, any shape.</summary>
public sealed class Activation : Layer
{
    Tensor? output, inputGrad;

    public Activation(ComputeDevice device, string name, ActivationFunction kind, float slope = 0.01f) : base(device, name)
    {
        Require(kind != ActivationFunction.LeakyRelu || slope > 0f, $"{name}: LeakyReLU slope must be > 0 (the backward pass reads the sign from the output)");
        Kind = kind;
        Slope = slope;
    }

    public ActivationFunction Kind { get; }
    public float Slope { get; }

    public override Tensor Forward(Tensor x)
    {
        var y = Ensure(ref output, x.Shape);
        ActivationOps.Forward(Device, x.View, y.View, x.Length, Kind, Slope);
        return y;
    }

    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        if (!inputGradient) return null;
        var y = output ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        var dx = Ensure(ref inputGrad, y.Shape);
        ActivationOps.Backward(Device, y.View, dy.View, dx.View, y.Length, Kind, Slope);
        return dx;
    }

    public override void Dispose()
    {
        output?.Dispose();
        inputGrad?.Dispose();
        base.Dispose();
    }
}
