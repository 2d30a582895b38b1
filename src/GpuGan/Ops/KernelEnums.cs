using GpuGan.Kernels;

namespace GpuGan.Ops;

/// <summary>
/// The one place where the library's enums become the kernel project's: callers outside Ops never see kernel
/// types, so a kernel enum can change without touching layers, losses or noise.
/// </summary>
internal static class KernelEnums
{
    public static ActivationKind ToKernel(this ActivationFunction f) => f switch
    {
        ActivationFunction.Identity => ActivationKind.Identity,
        ActivationFunction.Relu => ActivationKind.Relu,
        ActivationFunction.LeakyRelu => ActivationKind.LeakyRelu,
        ActivationFunction.Tanh => ActivationKind.Tanh,
        ActivationFunction.Sigmoid => ActivationKind.Sigmoid,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "unknown activation"),
    };

    public static LossKind ToKernel(this LossFunction f) => f switch
    {
        LossFunction.BceWithLogits => LossKind.BceWithLogits,
        LossFunction.LogOneMinusSigmoid => LossKind.LogOneMinusSigmoid,
        LossFunction.SquaredError => LossKind.SquaredError,
        LossFunction.Hinge => LossKind.Hinge,
        LossFunction.Linear => LossKind.Linear,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "unknown loss"),
    };

    public static NoiseKind ToKernel(this NoiseDistribution d) => d switch
    {
        NoiseDistribution.Uniform => NoiseKind.Uniform,
        NoiseDistribution.Normal => NoiseKind.Normal,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "unknown distribution"),
    };
}
