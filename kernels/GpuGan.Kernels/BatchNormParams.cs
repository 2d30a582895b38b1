using ILGPU;

namespace GpuGan.Kernels;

public struct BatchNormParams
{
    public ChannelLayout Layout;
    public float Eps;
    public float Momentum;
    /// <summary>1: normalise with batch statistics (training); 0: with running statistics.</summary>
    public int Training;
    /// <summary>The activation fused after the normalisation: forward writes f(BN(x)); backward reads f' from that output.</summary>
    public ActivationKind Activation;
    /// <summary>LeakyReLU's negative slope (> 0, so its sign can be read from the output).</summary>
    public float Slope;
    /// <summary>Backward: 1 to write dx, 0 for the parameter gradients alone (dx is then not touched).</summary>
    public int InputGradient;

    /// <summary>dL/d(BN(x)) at one element from dL/dy and y = f(BN(x)); y is not read without an activation.</summary>
    public readonly float PreActivationGrad(ArrayView<float> y, ArrayView<float> dy, int i) =>
        Activation == ActivationKind.Identity ? dy[i] : ActivationBackward.Apply(y[i], dy[i], Activation, Slope);
}
