using System.Numerics;
using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// Elementwise kernels on host memory for the CPU accelerator, with the ILGPU kernels' semantics: Fill,
/// activation forward/backward (<see cref="ActivationForward"/>, <see cref="ActivationBackward"/>, backward from
/// the output y), per-channel bias add (<see cref="AddChannelBias"/>, or with the activation after it, <see cref="BiasActivationForward"/>), the fused Adam step (<see cref="AdamStep"/>) and the weight average (<see cref="EmaUpdate"/>).
/// Each element is computed independently with the kernel's float operations in the kernel's order, so the split
/// into contiguous chunks (one per worker) cannot change a bit; small tensors run on the calling thread.
/// </summary>
public sealed unsafe class HostElementwise
{
    readonly WorkerPool pool;
    readonly Action<int> fill, activationForward, activationBackward, addBias, adam, ema;
    float* a, b, c, d;
    int length;
    float value;
    ActivationKind kind;
    ChannelLayout layout;
    AdamParams adamParams;

    public HostElementwise(WorkerPool pool)
    {
        this.pool = pool;
        fill = FillWorker;
        activationForward = ActivationForwardWorker;
        activationBackward = ActivationBackwardWorker;
        addBias = AddBiasWorker;
        adam = AdamWorker;
        ema = EmaWorker;
    }

    // x[0..length) = value
    /// <summary>Whether any of x[0..length) is NaN or infinite (v - v is 0 exactly for finite v), on the calling thread.</summary>
    public static bool AnyNonFinite(float* x, int length)
    {
        int i = 0, w = Vector<float>.Count;
        for (; i + w <= length; i += w)
        {
            var v = *(Vector<float>*)(x + i);
            if (!Vector.EqualsAll(v - v, Vector<float>.Zero)) return true;
        }
        for (; i < length; i++)
            if (!float.IsFinite(x[i])) return true;
        return false;
    }

    public void Fill(float* x, int length, float value)
    {
        lock (pool) { a = x; this.length = length; this.value = value; Run(fill); }
    }

    // y = f(x)
    public void ActivationForward(float* x, float* y, int length, ActivationKind kind, float slope)
    {
        lock (pool) { a = x; b = y; this.length = length; this.kind = kind; value = slope; Run(activationForward); }
    }

    // dx = dy * f'(x), from the forward output y
    public void ActivationBackward(float* y, float* dy, float* dx, int length, ActivationKind kind, float slope)
    {
        lock (pool) { a = y; b = dy; c = dx; this.length = length; this.kind = kind; value = slope; Run(activationBackward); }
    }

    // y: (N, C, P) += bias: (C)
    public void AddBias(float* y, float* bias, in ChannelLayout l)
    {
        lock (pool) { a = y; b = bias; layout = l; length = l.Length; kind = ActivationKind.Identity; Run(addBias); }
    }

    // y: (N, C, P) = f(y + bias: (C)), the activation fused (BiasActivationForward)
    public void AddBiasActivation(float* y, float* bias, in ChannelLayout l, ActivationKind kind, float slope)
    {
        lock (pool) { a = y; b = bias; layout = l; length = l.Length; this.kind = kind; value = slope; Run(addBias); }
    }

    public void Adam(float* w, float* grad, float* m, float* v, int length, in AdamParams p)
    {
        lock (pool) { a = w; b = grad; c = m; d = v; this.length = length; adamParams = p; Run(adam); }
    }

    // average = w + decay (average - w)
    public void Ema(float* average, float* w, int length, float decay)
    {
        lock (pool) { a = average; b = w; this.length = length; value = decay; Run(ema); }
    }

    void Run(Action<int> work)
    {
        if (length < WorkerPool.ParallelThreshold) work(-1);
        else pool.Run(work);
        a = b = c = d = null;
    }

    // Contiguous chunks, boundaries on whole vectors.
    (int Start, int End) Share(int worker)
    {
        int v = Vector<float>.Count;
        var (s, e) = pool.Share(worker, (length + v - 1) / v);
        return (Math.Min(s * v, length), Math.Min(e * v, length));
    }

    void FillWorker(int worker)
    {
        var (s, e) = Share(worker);
        new Span<float>(a + s, e - s).Fill(value);
    }

    void ActivationForwardWorker(int worker)
    {
        var (s, e) = Share(worker);
        float* x = a, y = b;
        if (!HostActivation.Forward(x + s, y + s, e - s, kind, value) && x != y)
            new Span<float>(x + s, e - s).CopyTo(new Span<float>(y + s, e - s));
    }

    void ActivationBackwardWorker(int worker)
    {
        var (s, e) = Share(worker);
        float* y = a, dy = b, dx = c;
        float slope = value;
        int i = s, w = Vector<float>.Count;
        switch (kind)
        {
            case ActivationKind.Relu:
                for (; i + w <= e; i += w)
                {
                    var o = Vector.Load(y + i);
                    // PyTorch's threshold_backward, `y <= 0 ? 0 : dy`: a NaN y passes dy through.
                    Vector.ConditionalSelect(Vector.LessThanOrEqual(o, Vector<float>.Zero), Vector<float>.Zero, Vector.Load(dy + i)).Store(dx + i);
                }
                for (; i < e; i++) dx[i] = y[i] <= 0f ? 0f : dy[i];
                break;
            case ActivationKind.LeakyRelu:
                var vs = new Vector<float>(slope);
                for (; i + w <= e; i += w)
                {
                    var o = Vector.Load(y + i);
                    var g = Vector.Load(dy + i);
                    Vector.ConditionalSelect(Vector.GreaterThan(o, Vector<float>.Zero), g, vs * g).Store(dx + i);
                }
                for (; i < e; i++) { float g = dy[i]; dx[i] = y[i] > 0f ? g : slope * g; }
                break;
            case ActivationKind.Tanh:
                for (; i < e; i++) { float o = y[i]; dx[i] = dy[i] * (1f - o * o); }
                break;
            case ActivationKind.Sigmoid:
                for (; i < e; i++) { float o = y[i]; dx[i] = dy[i] * o * (1f - o); }
                break;
            default:
                if (dy != dx) new Span<float>(dy + s, e - s).CopyTo(new Span<float>(dx + s, e - s));
                break;
        }
    }

    void AddBiasWorker(int worker)
    {
        var (s, e) = Share(worker);
        float* y = a, bias = b;
        int plane = layout.Plane, channels = layout.Channels, w = Vector<float>.Count;
        for (int i = s; i < e;)
        {
            int pl = i / plane, runStart = i;
            int runEnd = (int)Math.Min(e, (long)(pl + 1) * plane);
            float bc = bias[pl % channels];
            var vb = new Vector<float>(bc);
            for (; i + w <= runEnd; i += w) (Vector.Load(y + i) + vb).Store(y + i);
            for (; i < runEnd; i++) y[i] += bc;
            // the run just biased is still in L1 (Identity: nothing)
            HostActivation.ForwardInPlace(y + runStart, runEnd - runStart, kind, value);
        }
    }

    void AdamWorker(int worker)
    {
        var (s, e) = Share(worker);
        float* w = a, grad = b, m = c, v = d;
        var p = adamParams;
        float sqrtBc2 = MathF.Sqrt(p.BiasCorrection2), step = p.Lr / p.BiasCorrection1;
        float decay = 1f - p.Lr * p.WeightDecay;
        for (int i = s; i < e; i++)
        {
            float g = grad[i];
            float wi = w[i];
            if (p.WeightDecay != 0f)
            {
                if (p.Decoupled != 0) wi *= decay;
                else g += p.WeightDecay * wi;
            }
            float mi = p.Beta1 * m[i] + (1f - p.Beta1) * g;
            float vi = p.Beta2 * v[i] + (1f - p.Beta2) * g * g;
            m[i] = mi;
            v[i] = vi;
            float denom = MathF.Sqrt(vi) / sqrtBc2 + p.Eps;
            w[i] = wi - step * (mi / denom);
        }
    }

    void EmaWorker(int worker)
    {
        var (s, e) = Share(worker);
        float* avg = a, w = b;
        float decay = value;
        int i = s, n = Vector<float>.Count;
        var vd = new Vector<float>(decay);
        for (; i + n <= e; i += n)
        {
            var wi = Vector.Load(w + i);
            (wi + vd * (Vector.Load(avg + i) - wi)).Store(avg + i);
        }
        for (; i < e; i++) { float wi = w[i]; avg[i] = wi + decay * (avg[i] - wi); }
    }
}
