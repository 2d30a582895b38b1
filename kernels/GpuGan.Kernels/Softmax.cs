using ILGPU;
using ILGPU.Algorithms;

namespace GpuGan.Kernels;

/// <summary>
/// probs = softmax(logits) over each row, with the row max subtracted first so exp never overflows.
/// logits, probs: (N, classes); one row per iteration (classes is small: 10 for MNIST).
/// </summary>
public static class SoftmaxForward
{
    public static void Kernel(Index1D thread, ArrayView<float> logits, ArrayView<float> probs, int classes, ElementRange rows)
    {
        int t = ThreadIndex.Global;
        int end = rows.End(t);
        for (int r = rows.Start(t); r < end; r++) At(r, logits, probs, classes);
    }

    static void At(int row, ArrayView<float> logits, ArrayView<float> probs, int classes)
    {
        int o = row * classes;
        float max = logits[o];
        for (int j = 1; j < classes; j++) max = XMath.Max(max, logits[o + j]);
        float sum = 0f;
        for (int j = 0; j < classes; j++) sum += XMath.Exp(logits[o + j] - max);
        float inv = 1f / sum;
        for (int j = 0; j < classes; j++) probs[o + j] = XMath.Exp(logits[o + j] - max) * inv;
    }
}

/// <summary>
/// Softmax cross-entropy with integer labels (PyTorch's F.cross_entropy), forward and backward in one pass:
/// loss[r] = logsumexp(logits[r]) - logits[r, label[r]], dlogits[r] = gradScale * (softmax(logits[r]) - onehot(label[r]))
/// (gradScale = 1/N for the mean), correct[r] = 1 when the first max of logits[r] is at label[r], else 0.
/// A label outside [0, classes) gives a NaN loss (seen when the loss is read) and a zero gradient row.
/// logits, dlogits: (N, classes); labels: (N) ints; loss, correct: (N), written.
/// </summary>
public static class SoftmaxCrossEntropyLoss
{
    public static void Kernel(Index1D thread, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> loss, ArrayView<float> correct,
        ArrayView<float> dlogits, int classes, float gradScale, ElementRange rows)
    {
        int t = ThreadIndex.Global;
        int end = rows.End(t);
        for (int r = rows.Start(t); r < end; r++) At(r, logits, labels, loss, correct, dlogits, classes, gradScale);
    }

    static void At(int row, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> loss, ArrayView<float> correct,
        ArrayView<float> dlogits, int classes, float gradScale)
    {
        int o = row * classes;
        int label = labels[row];
        bool valid = label >= 0 && label < classes;
        float max = logits[o];
        int first = 0;
        for (int j = 1; j < classes; j++)
        {
            float v = logits[o + j];
            if (v > max) { max = v; first = j; }
        }
        float sum = 0f;
        for (int j = 0; j < classes; j++) sum += XMath.Exp(logits[o + j] - max);
        float inv = 1f / sum;
        // log(sum) - (l_y - max): logsumexp - l_y without forming the large terms
        loss[row] = valid ? XMath.Log(sum) - (logits[o + label] - max) : float.NaN;
        correct[row] = first == label ? 1f : 0f;
        float scale = valid ? gradScale : 0f;
        for (int j = 0; j < classes; j++)
        {
            float p = XMath.Exp(logits[o + j] - max) * inv;
            dlogits[o + j] = scale * (j == label ? p - 1f : p);
        }
    }
}
