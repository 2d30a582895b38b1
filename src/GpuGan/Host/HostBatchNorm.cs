using System.Numerics;
using GpuGan.Kernels;

namespace GpuGan.Host;

/// <summary>
/// BatchNorm over (N, C, P) and the per-channel sum (bias gradient; with a fused activation's f' first) on host memory
/// for the CPU accelerator, with the ILGPU kernels' semantics (<see cref="BatchNormForward"/>, <see cref="BatchNormBackward"/>,
/// <see cref="ChannelSum"/>, <see cref="BiasActivationBackward"/>).
/// Work is split by whole channels: one worker computes a channel's statistics (summed per image plane, then
/// across images, as the per-thread kernels do) and then normalises (or back-propagates) that channel, so one
/// wake of the workers covers the whole pass (one launch, as the kernels) and the results do not depend on the thread count. A fused activation
/// (bn.Activation) is applied as y is written, and its derivative read from y where dy is read.
/// </summary>
public sealed unsafe class HostBatchNorm
{
    readonly WorkerPool pool;
    readonly Action<int> forward, backward, channelSum, activationGradSum;
    float* x, y, dy, dx, gamma, beta, runningMean, runningVar, mean, invStd, sums, dGamma, dBeta;
    BatchNormParams bn;

    public HostBatchNorm(WorkerPool pool)
    {
        this.pool = pool;
        forward = ForwardWorker;
        backward = BackwardWorker;
        channelSum = ChannelSumWorker;
        activationGradSum = ActivationGradSumWorker;
    }

    /// <summary>Training: batch statistics into mean/invStd, running statistics updated; evaluation: the running ones. Then y = f(normalised x).</summary>
    public void Forward(float* x, float* y, float* gamma, float* beta, float* runningMean, float* runningVar, float* mean, float* invStd, in BatchNormParams bn)
    {
        lock (pool)
        {
            this.x = x; this.y = y; this.gamma = gamma; this.beta = beta;
            this.runningMean = runningMean; this.runningVar = runningVar; this.mean = mean; this.invStd = invStd; this.bn = bn;
            Run(forward);
        }
    }

    /// <summary>
    /// sums[c] = sum g, sums[C+c] = sum g*xhat with g = dy * f'(read from y); dGamma += sums[C+c], dBeta += sums[c];
    /// dx written when not null. y is read only with an activation.
    /// </summary>
    public void Backward(float* x, float* y, float* dy, float* dx, float* gamma, float* mean, float* invStd, float* sums, float* dGamma, float* dBeta, in BatchNormParams bn)
    {
        lock (pool)
        {
            this.x = x; this.y = y; this.dy = dy; this.dx = dx; this.gamma = gamma; this.mean = mean; this.invStd = invStd;
            this.sums = sums; this.dGamma = dGamma; this.dBeta = dBeta; this.bn = bn;
            Run(backward);
        }
    }

    /// <summary>sums[c] += sum over n, p of x: (N, C, P).</summary>
    public void SumInto(float* x, float* sums, in ChannelLayout l)
    {
        lock (pool)
        {
            this.x = x; this.sums = sums; bn = new BatchNormParams { Layout = l };
            Run(channelSum);
        }
    }

    /// <summary>g = dy * f'(read from y) and sums[c] += sum over n, p of g: (N, C, P) (the fused bias + activation's backward).</summary>
    public void ActivationGradSumInto(float* y, float* dy, float* g, float* sums, in ChannelLayout l, ActivationKind kind, float slope)
    {
        lock (pool)
        {
            this.y = y; this.dy = dy; dx = g; this.sums = sums;
            bn = new BatchNormParams { Layout = l, Activation = kind, Slope = slope };
            Run(activationGradSum);
        }
    }

    void Run(Action<int> work)
    {
        if (bn.Layout.Length < WorkerPool.ParallelThreshold) work(-1);
        else pool.Run(work);
        x = y = dy = dx = gamma = beta = runningMean = runningVar = mean = invStd = sums = dGamma = dBeta = null;
    }

    (int Start, int End) Share(int worker) => pool.Share(worker, bn.Layout.Channels);

    static float Sum(float* x, in ChannelLayout l, int c)
    {
        float total = 0f;
        for (int n = 0; n < l.Batch; n++)
        {
            float* s = x + (long)l.Offset(n, c);
            float plane = 0f;
            for (int p = 0; p < l.Plane; p++) plane += s[p];
            total += plane;
        }
        return total;
    }

    void ChannelSumWorker(int worker)
    {
        var (start, end) = Share(worker);
        var l = bn.Layout;
        for (int c = start; c < end; c++) sums[c] += Sum(x, l, c);
    }

    // g written a plane at a time (vectorised), then summed from L1 in ChannelSum's order.
    void ActivationGradSumWorker(int worker)
    {
        var (start, end) = Share(worker);
        var l = bn.Layout;
        for (int c = start; c < end; c++)
        {
            for (int n = 0; n < l.Batch; n++)
            {
                long o = l.Offset(n, c);
                HostActivation.Gradient(y + o, dy + o, dx + o, l.Plane, bn.Activation, bn.Slope);
            }
            sums[c] += Sum(dx, l, c);
        }
    }

    // A fused activation works on chunks of at most this many elements of one image plane: short enough to stay in L1
    // between writing y and activating it (forward) or between forming g and reading it twice (backward).
    const int Chunk = 256;

    void ForwardWorker(int worker)
    {
        var (start, end) = Share(worker);
        var l = bn.Layout;
        int vw = Vector<float>.Count;
        var act = bn.Activation;
        for (int c = start; c < end; c++)
        {
            if (bn.Training != 0)
            {
                float m = Sum(x, l, c) / l.PerChannel;
                float sq = 0f;
                for (int n = 0; n < l.Batch; n++)
                {
                    float* s = x + (long)l.Offset(n, c);
                    float plane = 0f;
                    for (int p = 0; p < l.Plane; p++) { float d = s[p] - m; plane += d * d; }
                    sq += plane;
                }
                int count = l.PerChannel;
                float biasedVar = sq / count;
                mean[c] = m;
                invStd[c] = 1f / MathF.Sqrt(biasedVar + bn.Eps);
                float unbiasedVar = count > 1 ? sq / (count - 1) : biasedVar;
                runningMean[c] = (1f - bn.Momentum) * runningMean[c] + bn.Momentum * m;
                runningVar[c] = (1f - bn.Momentum) * runningVar[c] + bn.Momentum * unbiasedVar;
            }
            else
            {
                mean[c] = runningMean[c];
                invStd[c] = 1f / MathF.Sqrt(runningVar[c] + bn.Eps);
            }
            // y = f(gamma * ((x - mean) * invStd) + beta), in the kernel's order (no fused multiply-add).
            float mc = mean[c], sc = invStd[c], gc = gamma[c], bc = beta[c];
            Vector<float> vm = new(mc), vs = new(sc), vg = new(gc), vb = new(bc);
            for (int n = 0; n < l.Batch; n++)
            {
                long o = l.Offset(n, c);
                for (int q = 0; q < l.Plane; q += Chunk)
                {
                    int len = Math.Min(Chunk, l.Plane - q);
                    float* src = x + o + q, dst = y + o + q;
                    int p = 0;
                    for (; p + vw <= len; p += vw) (vg * ((Vector.Load(src + p) - vm) * vs) + vb).Store(dst + p);
                    if (p > 0 && act != ActivationKind.Identity) HostActivation.ForwardInPlace(dst, p, act, bn.Slope);
                    for (; p < len; p++) dst[p] = HostActivation.Forward(gc * ((src[p] - mc) * sc) + bc, act, bn.Slope);
                }
            }
        }
    }

    void BackwardWorker(int worker)
    {
        var (start, end) = Share(worker);
        var l = bn.Layout;
        int vw = Vector<float>.Count;
        var act = bn.Activation;
        // g = dy * f'(y) for a chunk of one plane, formed a vector at a time into the buffer; dy itself without an
        // activation. Chunks shorter than a vector (BatchNorm1d) form g element by element instead (Direct).
        float* buffer = stackalloc float[Chunk];
        bool direct = act != ActivationKind.Identity && l.Plane < vw;
        float* Grad(long at, int len)
        {
            if (act == ActivationKind.Identity || direct) return dy + at;
            HostActivation.Gradient(y + at, dy + at, buffer, len, act, bn.Slope);
            return buffer;
        }

        for (int c = start; c < end; c++)
        {
            float m = mean[c], s = invStd[c];
            float sumDy = 0f, sumDyXhat = 0f;
            for (int n = 0; n < l.Batch; n++)
            {
                long o = l.Offset(n, c);
                float a = 0f, b = 0f;
                for (int q = 0; q < l.Plane; q += Chunk)
                {
                    int len = Math.Min(Chunk, l.Plane - q);
                    float* xs = x + o + q, gs = Grad(o + q, len);
                    if (direct)
                    {
                        for (int p = 0; p < len; p++)
                        {
                            float g = HostActivation.Gradient(y + o + q, gs, p, act, bn.Slope);
                            a += g;
                            b += g * ((xs[p] - m) * s);
                        }
                        continue;
                    }
                    for (int p = 0; p < len; p++)
                    {
                        float g = gs[p];
                        a += g;
                        b += g * ((xs[p] - m) * s);
                    }
                }
                sumDy += a;
                sumDyXhat += b;
            }
            sums[c] = sumDy;
            sums[l.Channels + c] = sumDyXhat;
            dGamma[c] += sumDyXhat;
            dBeta[c] += sumDy;
            if (dx == null) continue;

            // Training: dx = gamma*invStd*(g - (sumDy + xhat*sumDyXhat)/count); evaluation: gamma*invStd*g.
            float gs2 = gamma[c] * s;
            float count = l.PerChannel;
            bool training = bn.Training != 0;
            Vector<float> vm = new(m), vs = new(s), vgs = new(gs2), va = new(sumDy), vb = new(sumDyXhat), vc = new(count);
            for (int n = 0; n < l.Batch; n++)
            {
                long o = l.Offset(n, c);
                for (int q = 0; q < l.Plane; q += Chunk)
                {
                    int len = Math.Min(Chunk, l.Plane - q);
                    float* xs = x + o + q, g = Grad(o + q, len), d = dx + o + q;
                    int p = 0;
                    if (direct)
                    {
                        for (; p < len; p++)
                        {
                            float gp = HostActivation.Gradient(y + o + q, g, p, act, bn.Slope), xhat = (xs[p] - m) * s;
                            d[p] = gs2 * (training ? gp - (sumDy + xhat * sumDyXhat) / count : gp);
                        }
                        continue;
                    }
                    if (training)
                    {
                        for (; p + vw <= len; p += vw)
                        {
                            var xhat = (Vector.Load(xs + p) - vm) * vs;
                            (vgs * (Vector.Load(g + p) - (va + xhat * vb) / vc)).Store(d + p);
                        }
                        for (; p < len; p++)
                        {
                            float xhat = (xs[p] - m) * s;
                            d[p] = gs2 * (g[p] - (sumDy + xhat * sumDyXhat) / count);
                        }
                    }
                    else
                    {
                        for (; p + vw <= len; p += vw) (vgs * Vector.Load(g + p)).Store(d + p);
                        for (; p < len; p++) d[p] = gs2 * g[p];
                    }
                }
            }
        }
    }
}
