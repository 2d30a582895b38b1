using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Losses;

/// <summary>
/// Softmax cross-entropy with integer class labels on logits (N, classes), mean over the batch: PyTorch's
/// F.cross_entropy(logits, labels). Forward writes dL/dlogits into a buffer it owns and keeps each row's loss and
/// whether its argmax was the label on the device; they are read back and summed on the host only when asked
/// (<see cref="ReadStats"/>, at logging steps), so a training step never waits for the device.
/// </summary>
public sealed class SoftmaxCrossEntropy : IDisposable
{
    readonly ComputeDevice device;
    Tensor? perRowLoss, perRowCorrect, grad, probs;
    float[] hostLoss = [], hostCorrect = [];
    bool computed;

    public SoftmaxCrossEntropy(ComputeDevice device) => this.device = device;

    /// <summary>
    /// logits: (N, classes); labels: (N) class indices on the device. Returns dL/dlogits (N, classes) of the mean
    /// loss. A label outside [0, classes) makes the loss read NaN and contributes no gradient.
    /// </summary>
    public Tensor Forward(Tensor logits, IntTensor labels)
    {
        if (logits.Rank != 2) throw new ArgumentException($"cross-entropy expects logits (N, classes), got ({logits.ShapeText})");
        int rows = logits.Shape[0], classes = logits.Shape[1];
        if (labels.Length != rows) throw new ArgumentException($"cross-entropy: {labels.Length} labels for {rows} rows of logits");
        var dlogits = Ensure(ref grad, rows, classes);
        var loss = Ensure(ref perRowLoss, rows);
        var correct = Ensure(ref perRowCorrect, rows);
        SoftmaxCrossEntropyOps.Forward(device, logits.View, labels.View, loss.View, correct.View, dlogits.View, rows, classes, 1f / rows);
        computed = true;
        return dlogits;
    }

    /// <summary>probs: (N, classes) = softmax(logits), row by row (p(y|x) of a classifier). Written into a buffer the loss owns.</summary>
    public Tensor Softmax(Tensor logits)
    {
        if (logits.Rank != 2) throw new ArgumentException($"softmax expects logits (N, classes), got ({logits.ShapeText})");
        var p = Ensure(ref probs, logits.Shape[0], logits.Shape[1]);
        SoftmaxCrossEntropyOps.Softmax(device, logits.View, p.View, logits.Shape[0], logits.Shape[1]);
        return p;
    }

    /// <summary>The last Forward's mean loss, correct count and batch size (synchronises the device; the sum is in row order).</summary>
    public CrossEntropyStats ReadStats()
    {
        if (!computed) throw new InvalidOperationException("cross-entropy: ReadStats before Forward");
        int rows = perRowLoss!.Length;
        if (hostLoss.Length != rows) { hostLoss = new float[rows]; hostCorrect = new float[rows]; }
        perRowLoss.CopyTo(hostLoss);
        perRowCorrect!.CopyTo(hostCorrect);
        double sum = 0;
        int correct = 0;
        for (int i = 0; i < rows; i++)
        {
            sum += hostLoss[i];
            if (hostCorrect[i] != 0f) correct++;
        }
        return new CrossEntropyStats((float)(sum / rows), correct, rows);
    }

    /// <summary>The last Forward's mean loss (synchronises the device).</summary>
    public float ReadLoss() => ReadStats().Loss;

    Tensor Ensure(ref Tensor? cache, params int[] shape)
    {
        if (cache != null && cache.Shape.AsSpan().SequenceEqual(shape)) return cache;
        cache?.Dispose();
        cache = device.Allocate(shape);
        return cache;
    }

    public void Dispose()
    {
        perRowLoss?.Dispose();
        perRowCorrect?.Dispose();
        grad?.Dispose();
        probs?.Dispose();
    }
}

/// <summary>A batch's mean cross-entropy, how many rows the classifier got right (argmax == label) and of how many.</summary>
public readonly record struct CrossEntropyStats(float Loss, int Correct, int Count)
{
    public float Accuracy => (float)Correct / Count;
}
