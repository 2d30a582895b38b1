using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

public struct AdamParams
{
    public float Lr, Beta1, Beta2, Eps, WeightDecay;
    /// <summary>1: AdamW (decay applied to the weight); 0: Adam's L2 (decay added to the gradient).</summary>
    public int Decoupled;
    /// <summary>1 - beta1^t and 1 - beta2^t for the step t being taken, computed on the host in double.</summary>
    public float BiasCorrection1, BiasCorrection2;
}

/// <summary>
/// One fused Adam step per element, PyTorch's formula:
/// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
/// </summary>
public static class AdamStep
{
    public static void Kernel(Index1D thread, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamParams p, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, w, grad, m, v, p);
    }

    static void At(int i, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> m, ArrayView<float> v, AdamParams p)
    {
        float g = grad[i];
        float wi = w[i];
        if (p.WeightDecay != 0f)
        {
            if (p.Decoupled != 0) wi *= 1f - p.Lr * p.WeightDecay;
            else g += p.WeightDecay * wi;
        }
        float mi = p.Beta1 * m[i] + (1f - p.Beta1) * g;
        float vi = p.Beta2 * v[i] + (1f - p.Beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float denom = XMath.Sqrt(vi) / XMath.Sqrt(p.BiasCorrection2) + p.Eps;
        w[i] = wi - p.Lr / p.BiasCorrection1 * (mi / denom);
    }
}

public struct SgdParams
{
    public float Lr, Momentum, WeightDecay;
    /// <summary>0 on the first step (PyTorch starts the momentum buffer at the gradient).</summary>
    public int HasBuffer;
}

/// <summary>SGD with optional momentum and L2 weight decay, PyTorch's formula (no dampening, no Nesterov).</summary>
public static class SgdStep
{
    public static void Kernel(Index1D thread, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> buffer, SgdParams p, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, w, grad, buffer, p);
    }

    static void At(int i, ArrayView<float> w, ArrayView<float> grad, ArrayView<float> buffer, SgdParams p)
    {
        float g = grad[i] + p.WeightDecay * w[i];
        if (p.Momentum != 0f)
        {
            g = p.HasBuffer != 0 ? p.Momentum * buffer[i] + g : g;
            buffer[i] = g;
        }
        w[i] -= p.Lr * g;
    }
}

/// <summary>w = clamp(w, -c, c): the original WGAN's critic weight clipping.</summary>
public static class ClipWeights
{
    public static void Kernel(Index1D thread, ArrayView<float> w, float c, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, w, c);
    }

    static void At(int i, ArrayView<float> w, float c)
    {
        w[i] = XMath.Clamp(w[i], -c, c);
    }
}

/// <summary>
/// average = w + decay (average - w): one step of an exponential moving average of weights (StyleGAN's G_ema);
/// written as a lerp from w so that decay 0 copies w exactly.
/// </summary>
public static class EmaUpdate
{
    public static void Kernel(Index1D thread, ArrayView<float> average, ArrayView<float> w, float decay, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) At(i, average, w, decay);
    }

    static void At(int i, ArrayView<float> average, ArrayView<float> w, float decay)
    {
        float wi = w[i];
        average[i] = wi + decay * (average[i] - wi);
    }
}
