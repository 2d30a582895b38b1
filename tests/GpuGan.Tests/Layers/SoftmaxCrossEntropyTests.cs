using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Losses;
using GpuGan.Ops;
using GpuGan.Optim;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Layers;

/// <summary>
/// The softmax cross-entropy loss (PyTorch's F.cross_entropy, mean reduction): loss, gradient and accuracy on a
/// hand-computed batch, numerical stability, the softmax, bad labels, and a tiny LeNet-style classifier trained with it.
/// </summary>
[Collection(TestDeviceCollection.Name)]
public sealed class SoftmaxCrossEntropyTests(TestDeviceFixture fixture)
{
    ComputeDevice Dev => fixture.Device;

    Tensor Up(float[] data, params int[] shape)
    {
        var t = Dev.Allocate(shape);
        t.CopyFrom(data);
        return t;
    }

    IntTensor Labels(params int[] labels)
    {
        var t = Dev.AllocateInts(labels.Length);
        t.CopyFrom(labels);
        return t;
    }

    // float64: -log softmax(l)[y] per row, and (softmax(l) - onehot(y)) / N
    static (double[] Loss, double[] Grad) Expected(double[][] logits, int[] labels)
    {
        int n = logits.Length, c = logits[0].Length;
        var loss = new double[n];
        var grad = new double[n * c];
        for (int r = 0; r < n; r++)
        {
            double sum = logits[r].Sum(Math.Exp);
            loss[r] = Math.Log(sum) - logits[r][labels[r]];
            for (int j = 0; j < c; j++) grad[r * c + j] = (Math.Exp(logits[r][j]) / sum - (j == labels[r] ? 1 : 0)) / n;
        }
        return (loss, grad);
    }

    // logits (2, 3) = [[1, 2, 3], [0.5, -1, 0.5]], labels [1, 0]:
    //   row 0: logsumexp = log(e + e^2 + e^3) = 3.40761; loss 3.40761 - 2 = 1.40761; argmax 2 != 1: wrong
    //   row 1: logsumexp = log(2 e^0.5 + e^-1) = 1.29892; loss 1.29892 - 0.5 = 0.79892; argmax 0 (first of the
    //          tied 0.5s) == 0: right
    //   mean 1.10326; one of two correct
    [Fact]
    public void Hand_computed_2x3_batch()
    {
        double[][] l = [[1, 2, 3], [0.5, -1, 0.5]];
        int[] y = [1, 0];
        using var logits = Up(l.SelectMany(r => r.Select(v => (float)v)).ToArray(), 2, 3);
        using var labels = Labels(y);
        using var ce = new SoftmaxCrossEntropy(Dev);

        var dlogits = ce.Forward(logits, labels);
        Assert.Equal([2, 3], dlogits.Shape);
        var stats = ce.ReadStats();

        var (loss, grad) = Expected(l, y);
        Assert.Equal(1.103261074643053, loss.Average(), 1e-12);          // the float64 figures agree with the hand computation
        Assert.Equal(loss.Average(), stats.Loss, 1e-6);
        Assert.Equal(stats.Loss, ce.ReadLoss());
        var got = dlogits.ToArray();
        for (int i = 0; i < grad.Length; i++) Assert.Equal(grad[i], got[i], 1e-6);
        Assert.Equal(new[] { 0.0450153, -0.3776358, 0.3326205, -0.2750919, 0.0501838, 0.2249081 }, got.Select(g => Math.Round(g, 7)));
        Assert.Equal(1, stats.Correct);
        Assert.Equal(2, stats.Count);
        Assert.Equal(0.5f, stats.Accuracy);
    }

    [Fact]
    public void Large_logits_stay_finite()
    {
        double[][] l = [[1000, -1000, 999], [-500, -520, -480]];
        int[] y = [2, 1];
        using var logits = Up(l.SelectMany(r => r.Select(v => (float)v)).ToArray(), 2, 3);
        using var labels = Labels(y);
        using var ce = new SoftmaxCrossEntropy(Dev);
        var got = ce.Forward(logits, labels).ToArray();
        // row 0: log(1 + e^-1) + 1 (e^-2000 is 0); row 1: log(e^-20 + e^-40 + 1) + 40
        double expected = (Math.Log(1 + Math.Exp(-1)) + 1 + Math.Log(Math.Exp(-20) + Math.Exp(-40) + 1) + 40) / 2;
        var stats = ce.ReadStats();
        Assert.Equal(expected, stats.Loss, 1e-4);
        Assert.All(got, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(0, stats.Correct);
        var probs = ce.Softmax(logits).ToArray();
        Assert.All(probs, p => Assert.True(float.IsFinite(p)));
        Assert.Equal(1 / (1 + Math.Exp(-1)), probs[0], 1e-6);
    }

    [Fact]
    public void Softmax_rows_sum_to_one()
    {
        var rng = new Random(7);
        var data = Enumerable.Range(0, 5 * 10).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        using var logits = Up(data, 5, 10);
        using var ce = new SoftmaxCrossEntropy(Dev);
        var probs = ce.Softmax(logits);
        Assert.Equal([5, 10], probs.Shape);
        var p = probs.ToArray();
        for (int r = 0; r < 5; r++)
        {
            var row = data.Skip(r * 10).Take(10).Select(v => Math.Exp(v)).ToArray();
            for (int j = 0; j < 10; j++) Assert.Equal(row[j] / row.Sum(), p[r * 10 + j], 1e-6);
            Assert.Equal(1.0, p.Skip(r * 10).Take(10).Sum(v => (double)v), 1e-5);
        }
    }

    [Fact]
    public void A_label_out_of_range_reads_as_nan_and_gives_no_gradient()
    {
        using var logits = Up([1, 2, 3, 0.5f, -1, 0.5f], 2, 3);
        using var labels = Labels(1, 3);
        using var ce = new SoftmaxCrossEntropy(Dev);
        var grad = ce.Forward(logits, labels).ToArray();
        Assert.True(float.IsNaN(ce.ReadLoss()));
        Assert.Equal([0f, 0f, 0f], grad[3..]);
        Assert.All(grad[..3], g => Assert.NotEqual(0f, g));
    }

    [Fact]
    public void Bad_shapes_and_order_are_refused()
    {
        using var ce = new SoftmaxCrossEntropy(Dev);
        Assert.Throws<InvalidOperationException>(() => ce.ReadStats());
        using var logits = Dev.Allocate(4, 10);
        using var three = Labels(0, 1, 2);
        Assert.Throws<ArgumentException>(() => ce.Forward(logits, three));
        using var image = Dev.Allocate(4, 1, 2, 5);
        using var four = Labels(0, 1, 2, 3);
        Assert.Throws<ArgumentException>(() => ce.Forward(image, four));
    }

    /// <summary>
    /// The classifier the FID step builds, in small: Conv2d -> ReLU -> MaxPool2d -> flatten -> Linear on 8x8 images of
    /// three classes (a bright row, a bright column, a bright diagonal). 60 Adam steps through the layers' Backward
    /// bring the loss far down and classify every training image.
    /// </summary>
    [Fact]
    public void Trains_a_tiny_lenet_style_classifier()
    {
        const int n = 24, classes = 3;
        var rng = new Random(3);
        var images = new float[n * 64];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = i % classes;
            int at = rng.Next(8);
            for (int k = 0; k < 8; k++)
            {
                int p = y[i] switch { 0 => at * 8 + k, 1 => k * 8 + at, _ => k * 8 + k };
                images[i * 64 + p] = 1f;
            }
            for (int p = 0; p < 64; p++) images[i * 64 + p] += (float)(rng.NextDouble() * 0.2 - 0.1);
        }
        using var x = Up(images, n, 1, 8, 8);
        using var labels = Labels(y);
        using var model = new Sequential(Dev, "C",
            new Conv2d(Dev, "C.conv", 1, 6, ConvOptions.Square(kernel: 3, stride: 1, padding: 1)),
            new Activation(Dev, "C.relu", ActivationFunction.Relu),
            new MaxPool2d(Dev, "C.pool", 2, 2),
            new Reshape(Dev, "C.flatten", null),
            new Linear(Dev, "C.fc", 6 * 4 * 4, classes));
        foreach (var p in model.Parameters)
        {
            var w = Enumerable.Range(0, p.Value.Length).Select(_ => (float)(rng.NextDouble() * 0.4 - 0.2)).ToArray();
            p.Value.CopyFrom(w);
        }
        using var adam = new Adam(Dev, model.Parameters, new AdamOptions(Lr: 0.01f, Beta1: 0.9f));
        using var ce = new SoftmaxCrossEntropy(Dev);

        float first = 0;
        for (int step = 0; step < 60; step++)
        {
            adam.ZeroGrad();
            var dlogits = ce.Forward(model.Forward(x), labels);
            model.Backward(dlogits, inputGradient: false);
            adam.Step();
            if (step == 0) first = ce.ReadLoss();
        }
        ce.Forward(model.Forward(x), labels);
        var last = ce.ReadStats();
        Assert.InRange(first, 0.8f, 1.6f);                  // about log 3 at the start
        Assert.True(last.Loss < 0.2f * first, $"loss {first} -> {last.Loss}");
        Assert.Equal(n, last.Correct);
    }
}
