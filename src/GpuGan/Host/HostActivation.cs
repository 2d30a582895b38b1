using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// The activations over short runs of host memory for loops that fuse them (BatchNorm), with
/// <see cref="ActivationForward"/>'s and <see cref="ActivationBackward"/>'s semantics. The kind is switched on once
/// per run and the lanes selected without branches: a per-element branch on the sign mispredicts on half of them.
/// The one-element forms (for runs shorter than a vector: BatchNorm1d's planes, vector tails) select in a vector
/// register for the same reason.
/// </summary>
static unsafe class HostActivation
{
    /// <summary>f(v).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Forward(float v, ActivationKind kind, float slope)
    {
        var x = Vector128.CreateScalarUnsafe(v);
        return kind switch
        {
            ActivationKind.Relu => Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128<float>.Zero), Vector128<float>.Zero, x).ToScalar(),
            ActivationKind.LeakyRelu => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, Vector128.CreateScalarUnsafe(slope) * x).ToScalar(),
            ActivationKind.Tanh => MathF.Tanh(v),
            ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-v)),
            _ => v,
        };
    }

    /// <summary>dy[i] * f'(x) from y[i] = f(x); y is read only when f is not the identity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient(float* y, float* dy, long i, ActivationKind kind, float slope)
    {
        if (kind == ActivationKind.Identity) return dy[i];
        float o = y[i], d = dy[i];
        var vo = Vector128.CreateScalarUnsafe(o);
        var vd = Vector128.CreateScalarUnsafe(d);
        return kind switch
        {
            ActivationKind.Relu => Vector128.ConditionalSelect(Vector128.LessThanOrEqual(vo, Vector128<float>.Zero), Vector128<float>.Zero, vd).ToScalar(),
            ActivationKind.LeakyRelu => Vector128.ConditionalSelect(Vector128.GreaterThan(vo, Vector128<float>.Zero), vd, Vector128.CreateScalarUnsafe(slope) * vd).ToScalar(),
            ActivationKind.Tanh => d * (1f - o * o),
            _ => d * o * (1f - o),
        };
    }

    /// <summary>y[0..length) = f(y), in place.</summary>
    public static void ForwardInPlace(float* y, int length, ActivationKind kind, float slope) => Forward(y, y, length, kind, slope);

    /// <summary>y[0..length) = f(x) for ReLU, LeakyReLU, Tanh and Sigmoid (x may be y); false for any other kind, writing nothing.</summary>
    public static bool Forward(float* x, float* y, int length, ActivationKind kind, float slope)
    {
        int i = 0, w = Vector<float>.Count;
        switch (kind)
        {
            case ActivationKind.Relu:
                // NaN propagates (relu(NaN) = NaN): the comparison is written so NaN fails it.
                for (; i + w <= length; i += w)
                {
                    var v = Vector.Load(x + i);
                    Vector.ConditionalSelect(Vector.LessThanOrEqual(v, Vector<float>.Zero), Vector<float>.Zero, v).Store(y + i);
                }
                for (; i < length; i++) { float v = x[i]; y[i] = v <= 0f ? 0f : v; }
                break;
            case ActivationKind.LeakyRelu:
                var vs = new Vector<float>(slope);
                for (; i + w <= length; i += w)
                {
                    var v = Vector.Load(x + i);
                    Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, vs * v).Store(y + i);
                }
                for (; i < length; i++) { float v = x[i]; y[i] = v > 0f ? v : slope * v; }
                break;
            case ActivationKind.Tanh:
                for (; i < length; i++) y[i] = MathF.Tanh(x[i]);
                break;
            case ActivationKind.Sigmoid:
                for (; i < length; i++) y[i] = 1f / (1f + MathF.Exp(-x[i]));
                break;
            default:
                return false;
        }
        return true;
    }

    /// <summary>g[0..length) = dy * f'(x) read from the output y = f(x) (PyTorch's rules at a NaN, as the kernel).</summary>
    public static void Gradient(float* y, float* dy, float* g, int length, ActivationKind kind, float slope)
    {
        int i = 0, w = Vector<float>.Count;
        switch (kind)
        {
            case ActivationKind.Relu:
                for (; i + w <= length; i += w)
                    Vector.ConditionalSelect(Vector.LessThanOrEqual(Vector.Load(y + i), Vector<float>.Zero), Vector<float>.Zero, Vector.Load(dy + i)).Store(g + i);
                for (; i < length; i++) g[i] = y[i] <= 0f ? 0f : dy[i];
                break;
            case ActivationKind.LeakyRelu:
                var vs = new Vector<float>(slope);
                for (; i + w <= length; i += w)
                {
                    var d = Vector.Load(dy + i);
                    Vector.ConditionalSelect(Vector.GreaterThan(Vector.Load(y + i), Vector<float>.Zero), d, vs * d).Store(g + i);
                }
                for (; i < length; i++) { float d = dy[i]; g[i] = y[i] > 0f ? d : slope * d; }
                break;
            case ActivationKind.Tanh:
                for (; i + w <= length; i += w)
                {
                    var o = Vector.Load(y + i);
                    (Vector.Load(dy + i) * (Vector<float>.One - o * o)).Store(g + i);
                }
                for (; i < length; i++) { float o = y[i]; g[i] = dy[i] * (1f - o * o); }
                break;
            case ActivationKind.Sigmoid:
                for (; i + w <= length; i += w)
                {
                    var o = Vector.Load(y + i);
                    (Vector.Load(dy + i) * o * (Vector<float>.One - o)).Store(g + i);
                }
                for (; i < length; i++) { float o = y[i]; g[i] = dy[i] * o * (1f - o); }
                break;
            default:
                new Span<float>(dy, length).CopyTo(new Span<float>(g, length));
                break;
        }
    }
}
