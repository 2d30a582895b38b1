using GpuGan.Device;

namespace GpuGan.Layers;

/// <summary>
/// A layer that can apply the <see cref="Activation"/> right after it in its own kernels (bias + activation,
/// BatchNorm + activation): <see cref="Sequential"/> then runs the pair as one step, which saves a launch and a
/// pass over the tensor in each direction. The activation's derivative is read from the fused output y = f(...),
/// as <see cref="Activation.Backward"/> reads it from its own output.
/// </summary>
public interface IFusesActivation
{
    /// <summary>Whether this layer, in its present configuration, can fuse <paramref name="activation"/>.</summary>
    bool CanFuse(Activation activation);

    /// <summary>y = f(layer(x)), in a buffer the layer owns.</summary>
    Tensor ForwardFused(Tensor x, Activation activation);

    /// <summary>Backward of the pair: <paramref name="dy"/> is dL/dy for y = f(layer(x)); returns dL/dx when asked.</summary>
    Tensor? BackwardFused(Tensor dy, Activation activation, bool inputGradient);
}
