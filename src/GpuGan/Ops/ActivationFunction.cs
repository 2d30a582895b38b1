namespace GpuGan.Ops;

/// <summary>The elementwise activations, as layers and callers name them; Ops maps them to the kernels' enum.</summary>
public enum ActivationFunction
{
    Identity,
    Relu,
    LeakyRelu,
    Tanh,
    Sigmoid,
}
