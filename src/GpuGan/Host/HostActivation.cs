using System.Numerics;
using System.Runtime.CompilerServices;
using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// The activations for host loops that fuse them (BatchNorm), with <see cref="ActivationForward"/>'s and
/// <see cref="ActivationBackward"/>'s semantics: f(v), and dy * f'(x) read from the output o = f(x).
/// Tanh and Sigmoid have no vector forward: callers run those element by element.
/// </summary>
static class HostActivation
{
    /// <summary>Whether <see cref="Forward(Vector{float}, ActivationKind, Vector{float})"/> handles the kind.</summary>
    public static bool HasVectorForward(ActivationKind kind) => kind is ActivationKind.Identity or ActivationKind.Relu or ActivationKind.LeakyRelu;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float v, ActivationKind kind, float slope) => kind switch
    {
        ActivationKind.Relu => v <= 0f ? 0f : v,
        ActivationKind.LeakyRelu => v > 0f ? v : slope * v,
        ActivationKind.Tanh => MathF.Tanh(v),
        ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-v)),
        _ => v,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Forward(Vector<float> v, ActivationKind kind, Vector<float> slope) => kind switch
    {
        // NaN propagates (relu(NaN) = NaN): the comparison is written so NaN fails it, as in the scalar form.
        ActivationKind.Relu => Vector.ConditionalSelect(Vector.LessThanOrEqual(v, Vector<float>.Zero), Vector<float>.Zero, v),
        ActivationKind.LeakyRelu => Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, slope * v),
        _ => v,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Backward(float o, float g, ActivationKind kind, float slope) => kind switch
    {
        ActivationKind.Relu => o <= 0f ? 0f : g,
        ActivationKind.LeakyRelu => o > 0f ? g : slope * g,
        ActivationKind.Tanh => g * (1f - o * o),
        ActivationKind.Sigmoid => g * o * (1f - o),
        _ => g,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Backward(Vector<float> o, Vector<float> g, ActivationKind kind, Vector<float> slope) => kind switch
    {
        ActivationKind.Relu => Vector.ConditionalSelect(Vector.LessThanOrEqual(o, Vector<float>.Zero), Vector<float>.Zero, g),
        ActivationKind.LeakyRelu => Vector.ConditionalSelect(Vector.GreaterThan(o, Vector<float>.Zero), g, slope * g),
        ActivationKind.Tanh => g * (Vector<float>.One - o * o),
        ActivationKind.Sigmoid => g * o * (Vector<float>.One - o),
        _ => g,
    };
}
