using GpuGan.Device;
using GpuGan.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Ops;

/// <summary>
/// Classification heads on logits (N, classes): softmax cross-entropy with integer labels (loss per row and its
/// gradient in one pass) and the plain softmax. One ILGPU kernel each, one thread per row; no host variant
/// (N x 10 values per step), so HostSimd falls back to the CPU family.
/// </summary>
public static class SoftmaxCrossEntropyOps
{
    internal delegate void LossLaunch(ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> loss, ArrayView<float> correct,
        ArrayView<float> dlogits, int rows, int classes, float gradScale);
    internal delegate void SoftmaxLaunch(ArrayView<float> logits, ArrayView<float> probs, int rows, int classes);

    internal static readonly OpVariants<LossLaunch> LossVariants = new OpVariants<LossLaunch>("SoftmaxCrossEntropy")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, int, float, ElementRange>(SoftmaxCrossEntropyLoss.Kernel);
            return (logits, labels, loss, correct, dlogits, rows, classes, gradScale) =>
            {
                double n = (double)rows * classes;
                using var _ = dev.Launch("SoftmaxCrossEntropy", 8.0 * n, 8.0 * n + 12.0 * rows);
                var r = dev.Range(rows);
                k(r.Threads, logits, labels, loss, correct, dlogits, classes, gradScale, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    internal static readonly OpVariants<SoftmaxLaunch> SoftmaxVariants = new OpVariants<SoftmaxLaunch>("Softmax")
        .Register(dev =>
        {
            var k = dev.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, ElementRange>(SoftmaxForward.Kernel);
            return (logits, probs, rows, classes) =>
            {
                double n = (double)rows * classes;
                using var _ = dev.Launch("Softmax", 6.0 * n, 8.0 * n);
                var r = dev.Range(rows);
                k(r.Threads, logits, probs, classes, r);
            };
        }, OpVariant.GpuFamily, OpVariant.CpuFamily);

    // logits, dlogits: (rows, classes); labels: (rows) in [0, classes); loss, correct: (rows), all written.
    // loss[r] = logsumexp(logits[r]) - logits[r, label]; dlogits = gradScale * (softmax - onehot), gradScale = 1/rows
    // for the mean (times a weight); correct[r] = 1 when argmax(logits[r]) (first max) == label, else 0.
    // A label out of range: NaN loss, zero gradient for its row.
    public static void Forward(ComputeDevice dev, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> loss, ArrayView<float> correct,
        ArrayView<float> dlogits, int rows, int classes, float gradScale)
    {
        CheckRows(rows, classes);
        Check(logits.Length, (long)rows * classes, "logits");
        Check(dlogits.Length, (long)rows * classes, "dlogits");
        Check(labels.Length, rows, "labels");
        Check(loss.Length, rows, "loss");
        Check(correct.Length, rows, "correct");
        LossVariants.For(dev)(logits, labels, loss, correct, dlogits, rows, classes, gradScale);
    }

    // probs: (rows, classes) = softmax of each row of logits
    public static void Softmax(ComputeDevice dev, ArrayView<float> logits, ArrayView<float> probs, int rows, int classes)
    {
        CheckRows(rows, classes);
        Check(logits.Length, (long)rows * classes, "logits");
        Check(probs.Length, (long)rows * classes, "probs");
        SoftmaxVariants.For(dev)(logits, probs, rows, classes);
    }

    static void CheckRows(int rows, int classes)
    {
        if (rows < 1 || classes < 1) throw new ArgumentException($"softmax needs rows >= 1 and classes >= 1, got {rows}x{classes}");
    }

    static void Check(long length, long needed, string what)
    {
        if (length < needed) throw new ArgumentException($"softmax cross-entropy: {what} holds {length} elements, {needed} needed");
    }
}
