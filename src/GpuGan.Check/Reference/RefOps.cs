using GpuGan.Ops;

namespace GpuGan.Check;

/// <summary>Shape of a reference 2-D convolution (PyTorch conventions). Output sizes computed here, independently of ConvOptions.</summary>
public readonly record struct RefConvShape(int N, int Cin, int H, int W, int Cout, int KH, int KW, int SH, int SW, int PH, int PW, int OPH = 0, int OPW = 0)
{
    public int ConvOH => (H + 2 * PH - KH) / SH + 1;
    public int ConvOW => (W + 2 * PW - KW) / SW + 1;
    public int TransOH => (H - 1) * SH - 2 * PH + KH + OPH;
    public int TransOW => (W - 1) * SW - 2 * PW + KW + OPW;
}

/// <summary>Shape of a reference 2-D max pooling (PyTorch's floor mode). Output sizes computed here, independently of PoolOptions.</summary>
public readonly record struct RefPoolShape(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW)
{
    public int OH => (int)Math.Floor((H + 2.0 * PH - KH) / SH) + 1;
    public int OW => (int)Math.Floor((W + 2.0 * PW - KW) / SW) + 1;
}

/// <summary>
/// Plain float64 reference operators, written from their definitions (no im2col, no GEMM, nothing shared with
/// the kernels). Layouts are row-major NCHW.
/// </summary>
public static class RefOps
{
    /// <summary>y[n,co,oh,ow] = b[co] + sum_{ci,kh,kw} x[n,ci,oh*s-p+kh, ow*s-p+kw] * w[co,ci,kh,kw]; w: (Cout,Cin,KH,KW).</summary>
    public static double[] Conv2d(RefConvShape s, double[] x, double[] w, double[]? b)
    {
        int oh = s.ConvOH, ow = s.ConvOW;
        var y = new double[s.N * s.Cout * oh * ow];
        for (int n = 0; n < s.N; n++)
        for (int co = 0; co < s.Cout; co++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double acc = b != null ? b[co] : 0.0;
            for (int ci = 0; ci < s.Cin; ci++)
            {
                int xBase = (n * s.Cin + ci) * s.H * s.W;
                int wBase = (co * s.Cin + ci) * s.KH * s.KW;
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int ih = i * s.SH - s.PH + kh;
                    if (ih < 0 || ih >= s.H) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int iw = j * s.SW - s.PW + kw;
                        if (iw < 0 || iw >= s.W) continue;
                        acc += x[xBase + ih * s.W + iw] * w[wBase + kh * s.KW + kw];
                    }
                }
            }
            y[((n * s.Cout + co) * oh + i) * ow + j] = acc;
        }
        return y;
    }

    /// <summary>
    /// Transposed convolution as the scatter of its definition: every input pixel x[n,ci,ih,iw] adds
    /// x * w[ci,co,kh,kw] to y[n,co,ih*s-p+kh, iw*s-p+kw] (dropped when outside). w: (Cin,Cout,KH,KW);
    /// output (H-1)*s - 2p + k + output_padding.
    /// </summary>
    public static double[] ConvTranspose2d(RefConvShape s, double[] x, double[] w, double[]? b)
    {
        int oh = s.TransOH, ow = s.TransOW;
        var y = new double[s.N * s.Cout * oh * ow];
        for (int n = 0; n < s.N; n++)
        for (int ci = 0; ci < s.Cin; ci++)
        for (int ih = 0; ih < s.H; ih++)
        for (int iw = 0; iw < s.W; iw++)
        {
            double v = x[((n * s.Cin + ci) * s.H + ih) * s.W + iw];
            for (int co = 0; co < s.Cout; co++)
            {
                int wBase = (ci * s.Cout + co) * s.KH * s.KW;
                int yBase = (n * s.Cout + co) * oh * ow;
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int y0 = ih * s.SH - s.PH + kh;
                    if (y0 < 0 || y0 >= oh) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int x0 = iw * s.SW - s.PW + kw;
                        if (x0 < 0 || x0 >= ow) continue;
                        y[yBase + y0 * ow + x0] += v * w[wBase + kh * s.KW + kw];
                    }
                }
            }
        }
        if (b != null)
            for (int n = 0; n < s.N; n++)
            for (int co = 0; co < s.Cout; co++)
            for (int p = 0; p < oh * ow; p++)
                y[(n * s.Cout + co) * oh * ow + p] += b[co];
        return y;
    }

    /// <summary>y[n,o] = b[o] + sum_i x[n,i] w[o,i]; w: (out,in).</summary>
    public static double[] Linear(int batch, int inF, int outF, double[] x, double[] w, double[]? b)
    {
        var y = new double[batch * outF];
        for (int n = 0; n < batch; n++)
        for (int o = 0; o < outF; o++)
        {
            double acc = b != null ? b[o] : 0.0;
            for (int i = 0; i < inF; i++) acc += x[n * inF + i] * w[o * inF + i];
            y[n * outF + o] = acc;
        }
        return y;
    }

    /// <summary>
    /// BatchNorm over (N, C, P). Training: batch mean and biased variance normalise; the running stats are
    /// updated with momentum and the unbiased variance. Eval: running stats normalise and are not changed.
    /// Returns y; newRunningMean/newRunningVar: the running stats after the call.
    /// </summary>
    public static double[] BatchNorm(int n, int c, int plane, double[] x, double[] gamma, double[] beta,
        double[] runningMean, double[] runningVar, bool training, double eps, double momentum,
        out double[] newRunningMean, out double[] newRunningVar)
    {
        var y = new double[x.Length];
        newRunningMean = (double[])runningMean.Clone();
        newRunningVar = (double[])runningVar.Clone();
        int count = n * plane;
        for (int ch = 0; ch < c; ch++)
        {
            double mean, variance;
            if (training)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) for (int p = 0; p < plane; p++) sum += x[(i * c + ch) * plane + p];
                mean = sum / count;
                double sq = 0;
                for (int i = 0; i < n; i++) for (int p = 0; p < plane; p++) { double d = x[(i * c + ch) * plane + p] - mean; sq += d * d; }
                variance = sq / count;
                newRunningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mean;
                newRunningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * (sq / (count - 1));
            }
            else
            {
                mean = runningMean[ch];
                variance = runningVar[ch];
            }
            double inv = 1.0 / Math.Sqrt(variance + eps);
            for (int i = 0; i < n; i++)
            for (int p = 0; p < plane; p++)
            {
                int k = (i * c + ch) * plane + p;
                y[k] = gamma[ch] * (x[k] - mean) * inv + beta[ch];
            }
        }
        return y;
    }

    /// <summary>
    /// y[n,c,oh,ow] = max over kh, kw of x[n,c,oh*s-p+kh, ow*s-p+kw], taps outside the image being -inf; argmax: the
    /// flat index into x of the first tap (row-major in the window) holding that max.
    /// </summary>
    public static double[] MaxPool2d(RefPoolShape s, double[] x, out double[] argmax)
    {
        int oh = s.OH, ow = s.OW;
        var y = new double[s.N * s.C * oh * ow];
        argmax = new double[y.Length];
        for (int n = 0; n < s.N; n++)
        for (int c = 0; c < s.C; c++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double best = double.NegativeInfinity;
            int bestAt = -1;
            for (int kh = 0; kh < s.KH; kh++)
            for (int kw = 0; kw < s.KW; kw++)
            {
                int ih = i * s.SH - s.PH + kh, iw = j * s.SW - s.PW + kw;
                if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) continue;
                int at = ((n * s.C + c) * s.H + ih) * s.W + iw;
                if (bestAt < 0 || x[at] > best) { best = x[at]; bestAt = at; }
            }
            int o = ((n * s.C + c) * oh + i) * ow + j;
            y[o] = best;
            argmax[o] = bestAt;
        }
        return y;
    }

    /// <summary>
    /// y[n,c,i,j] = mean of x[n,c,h,w] over rows floor(i*H/OH) &lt;= h &lt; ceil((i+1)*H/OH) and columns
    /// floor(j*W/OW) &lt;= w &lt; ceil((j+1)*W/OW) (PyTorch's adaptive_avg_pool2d), the bounds in floating point.
    /// </summary>
    public static double[] AdaptiveAvgPool2d(int n, int c, int h, int w, int oh, int ow, double[] x)
    {
        var y = new double[n * c * oh * ow];
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            int h0 = (int)Math.Floor((double)i * h / oh), h1 = (int)Math.Ceiling((i + 1.0) * h / oh);
            int w0 = (int)Math.Floor((double)j * w / ow), w1 = (int)Math.Ceiling((j + 1.0) * w / ow);
            double sum = 0;
            for (int r = h0; r < h1; r++)
            for (int col = w0; col < w1; col++)
                sum += x[((b * c + ch) * h + r) * w + col];
            y[((b * c + ch) * oh + i) * ow + j] = sum / ((h1 - h0) * (w1 - w0));
        }
        return y;
    }

    /// <summary>p[r,j] = exp(l[r,j]) / sum_k exp(l[r,k]), in the max-shifted form (the same value in exact arithmetic).</summary>
    public static double[] Softmax(int rows, int classes, double[] logits)
    {
        var p = new double[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < classes; j++) max = Math.Max(max, logits[r * classes + j]);
            for (int j = 0; j < classes; j++) sum += Math.Exp(logits[r * classes + j] - max);
            for (int j = 0; j < classes; j++) p[r * classes + j] = Math.Exp(logits[r * classes + j] - max) / sum;
        }
        return p;
    }

    /// <summary>-log softmax(l[r])[label[r]] per row (F.cross_entropy without the mean).</summary>
    public static double[] CrossEntropy(int rows, int classes, double[] logits, double[] labels)
    {
        var p = Softmax(rows, classes, logits);
        var loss = new double[rows];
        for (int r = 0; r < rows; r++) loss[r] = -Math.Log(p[r * classes + (int)labels[r]]);
        return loss;
    }

    /// <summary>1 where the first largest logit of a row is at its label, else 0.</summary>
    public static double[] Correct(int rows, int classes, double[] logits, double[] labels)
    {
        var correct = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int j = 1; j < classes; j++) if (logits[r * classes + j] > logits[r * classes + best]) best = j;
            correct[r] = best == (int)labels[r] ? 1 : 0;
        }
        return correct;
    }

    /// <summary>y[n, d] = table[labels[n], d]; table: (classes, dim), labels: (N) class numbers.</summary>
    public static double[] Embedding(int n, int dim, double[] table, double[] labels)
    {
        var y = new double[n * dim];
        for (int i = 0; i < n; i++)
        for (int d = 0; d < dim; d++)
            y[i * dim + d] = table[(int)labels[i] * dim + d];
        return y;
    }

    /// <summary>
    /// y[n, c, p] = a[n, c, p] for c &lt; ca, else b[n, c - ca, p] (broadcastB: b[n, c - ca] at every p);
    /// a: (N, ca, plane), b: (N, cb, plane) or (N, cb); y: (N, ca + cb, plane).
    /// </summary>
    public static double[] ConcatChannels(int n, int ca, int cb, int plane, bool broadcastB, double[] a, double[] b)
    {
        int channels = ca + cb;
        var y = new double[n * channels * plane];
        for (int i = 0; i < n; i++)
        for (int c = 0; c < channels; c++)
        for (int p = 0; p < plane; p++)
            y[(i * channels + c) * plane + p] = c < ca ? a[(i * ca + c) * plane + p]
                : broadcastB ? b[i * cb + (c - ca)] : b[(i * cb + (c - ca)) * plane + p];
        return y;
    }

    /// <summary>y[n] = sum_f a[n, f] b[n, f]; a, b: (N, features).</summary>
    public static double[] RowDot(int n, int features, double[] a, double[] b)
    {
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int f = 0; f < features; f++) acc += a[i * features + f] * b[i * features + f];
            y[i] = acc;
        }
        return y;
    }

    // NaN propagates as in PyTorch: relu(NaN) = NaN, leaky_relu(NaN) = NaN.
    public static double Relu(double v) => v <= 0 ? 0 : v;
    public static double LeakyRelu(double v, double slope) => v > 0 ? v : slope * v;
    public static double Tanh(double v) => Math.Tanh(v);
    public static double Sigmoid(double v) => 1.0 / (1.0 + Math.Exp(-v));

    public static double Activation(ActivationFunction f, double v, double slope) => f switch
    {
        ActivationFunction.Relu => Relu(v),
        ActivationFunction.LeakyRelu => LeakyRelu(v, slope),
        ActivationFunction.Tanh => Tanh(v),
        ActivationFunction.Sigmoid => Sigmoid(v),
        _ => v,
    };

    // ---- GAN loss terms, per sample, on a logit / raw output l ----

    /// <summary>-[t log sigmoid(l) + (1-t) log(1 - sigmoid(l))], written from the definition with log-sigmoid in a stable form.</summary>
    public static double BceWithLogits(double l, double t) => -(t * LogSigmoid(l) + (1 - t) * LogSigmoid(-l));

    /// <summary>log(1 - sigmoid(l)) = log sigmoid(-l).</summary>
    public static double LogOneMinusSigmoid(double l) => LogSigmoid(-l);

    /// <summary>PyTorch's MSELoss term (l - t)^2 (LSGAN).</summary>
    public static double SquaredError(double l, double t) => (l - t) * (l - t);
    public static double Hinge(double l, double s) => Math.Max(0.0, 1 + s * l);
    public static double LinearLoss(double l, double s) => s * l;

    // log sigmoid(z) = -log(1 + exp(-z)), evaluated without overflow.
    static double LogSigmoid(double z) => z >= 0 ? -Math.Log(1 + Math.Exp(-z)) : z - Math.Log(1 + Math.Exp(z));

    public static double Mean(IReadOnlyList<double> v) { double s = 0; foreach (var d in v) s += d; return s / v.Count; }

    // ---- optimizers (PyTorch's formulas), one step, in place ----

    /// <summary>
    /// torch.optim.Adam (decoupled = false: L2, grad += wd*w) / AdamW (decoupled = true: w *= 1 - lr*wd), step t (1-based):
    /// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
    /// </summary>
    public static void AdamStep(double[] w, double[] grad, double[] m, double[] v, int t, double lr, double b1, double b2,
        double eps, double wd, bool decoupled)
    {
        double bc1 = 1 - Math.Pow(b1, t), bc2 = 1 - Math.Pow(b2, t);
        for (int i = 0; i < w.Length; i++)
        {
            double g = grad[i];
            if (wd != 0)
            {
                if (decoupled) w[i] *= 1 - lr * wd;
                else g += wd * w[i];
            }
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            double denom = Math.Sqrt(v[i]) / Math.Sqrt(bc2) + eps;
            w[i] -= lr / bc1 * m[i] / denom;
        }
    }

    /// <summary>torch.optim.SGD, no dampening, no Nesterov: g += wd*w; buf = first ? g : mu*buf + g; w -= lr*buf (or lr*g without momentum).</summary>
    public static void SgdStep(double[] w, double[] grad, double[] buf, bool first, double lr, double momentum, double wd)
    {
        for (int i = 0; i < w.Length; i++)
        {
            double g = grad[i] + wd * w[i];
            if (momentum != 0)
            {
                buf[i] = first ? g : momentum * buf[i] + g;
                g = buf[i];
            }
            w[i] -= lr * g;
        }
    }

    public static void ClipWeights(double[] w, double c)
    {
        for (int i = 0; i < w.Length; i++) w[i] = Math.Min(c, Math.Max(-c, w[i]));
    }

    // average = decay average + (1 - decay) w
    public static void EmaUpdate(double[] average, double[] w, double decay)
    {
        for (int i = 0; i < w.Length; i++) average[i] = decay * average[i] + (1 - decay) * w[i];
    }
}
