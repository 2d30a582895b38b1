using System.Globalization;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;
using GpuGan.Rng;

namespace GpuGan.Metrics;

/// <summary>
/// The judge of sample quality on MNIST (TF-GAN's mnist_frechet_distance idea: Inception features are the wrong
/// judge for digits): a LeNet-style classifier built from GpuGan's own layers.
/// Body: Conv(1→16, 5, p2) → ReLU → MaxPool 2 → Conv(16→32, 5, p2) → ReLU → MaxPool 2 → flatten → Linear(1568→128) → ReLU;
/// Head: Linear(128→10). The body's 128 outputs are the features FID, KID and precision/recall compare;
/// softmax of the head's logits is p(y|x) for the classifier score and the class histogram.
/// Input: (N, 1, 28, 28) in [-1, 1], as the data loader and G produce them.
/// </summary>
public sealed class MnistClassifier : IDisposable
{
    public const int FeatureSize = 128, ClassCount = 10, ImageSize = 28;
    public const string EmbeddedFileName = "data/mnist-classifier.safetensors";

    /// <summary>The weights that ship with GpuGan (trained by 'gpugan classifier train' on the embedded subset).</summary>
    public static string EmbeddedPath => Path.Combine(AppContext.BaseDirectory, EmbeddedFileName);

    public MnistClassifier(ComputeDevice device)
    {
        Device = device;
        var k5p2 = ConvOptions.Square(5, 1, 2);
        Body = new Sequential(device, "C",
            new Conv2d(device, "C.conv1", 1, 16, k5p2),
            new Activation(device, "C.relu1", ActivationFunction.Relu),
            new MaxPool2d(device, "C.pool1", 2, 2),
            new Conv2d(device, "C.conv2", 16, 32, k5p2),
            new Activation(device, "C.relu2", ActivationFunction.Relu),
            new MaxPool2d(device, "C.pool2", 2, 2),
            new Reshape(device, "C.flatten", null),
            new Linear(device, "C.fc1", 32 * 7 * 7, FeatureSize),
            new Activation(device, "C.relu3", ActivationFunction.Relu));
        Head = new Linear(device, "C.fc2", FeatureSize, ClassCount);
    }

    public ComputeDevice Device { get; }
    /// <summary>(N, 1, 28, 28) → (N, 128) features.</summary>
    public Sequential Body { get; }
    /// <summary>(N, 128) → (N, 10) logits.</summary>
    public Linear Head { get; }
    public IEnumerable<Parameter> Parameters => Body.Parameters.Concat(Head.Parameters);

    /// <summary>PyTorch's default for Conv2d and Linear: weights and biases U(−1/√fan_in, 1/√fan_in).</summary>
    public void Initialize(NoiseGenerator rng)
    {
        foreach (var p in Parameters)
        {
            int fanIn = p.Value.Shape.Length == 1
                ? Parameters.First(w => w.Name == p.Name.Replace(".bias", ".weight")).Value.Length / p.Value.Length
                : p.Value.Length / p.Value.Shape[0];
            float bound = 1f / MathF.Sqrt(fanIn);
            rng.Uniform(p.Value, -bound, bound);
        }
    }

    // x: (N, 1, 28, 28) -> logits: (N, 10)
    public Tensor Forward(Tensor x) => Head.Forward(Body.Forward(x));

    // dlogits: (N, 10); accumulates every parameter's gradient
    public void Backward(Tensor dlogits) => Body.Backward(Head.Backward(dlogits, inputGradient: true)!, inputGradient: false);

    public void Save(string path, IReadOnlyDictionary<string, string> metadata) =>
        SafeTensors.Write(path, Parameters.Select(p => (p.Name, p.Value.Shape, p.Value.ToArray())), metadata);

    /// <summary>Reads weights written by <see cref="Save"/>; a file of another network is a one-line <see cref="DataException"/>.</summary>
    public static MnistClassifier Load(ComputeDevice device, string path)
    {
        var file = SafeTensors.Read(path);
        var c = new MnistClassifier(device);
        try
        {
            foreach (var p in c.Parameters)
            {
                if (!file.Tensors.TryGetValue(p.Name, out var t))
                    throw new DataException(path, $"has no tensor '{p.Name}': not weights of GpuGan's MNIST classifier");
                if (!t.Shape.AsSpan().SequenceEqual(p.Value.Shape))
                    throw new DataException(path, $"tensor '{p.Name}' is ({string.Join(", ", t.Shape)}), the classifier needs ({p.Value.ShapeText})");
                if (t.Dtype != SafeTensors.Dtype.F32)
                    throw new DataException(path, $"tensor '{p.Name}' is {t.Dtype}, the classifier needs F32");
                p.Value.CopyFrom(t.Data);
            }
            c.Metadata = file.Metadata;
        }
        catch
        {
            c.Dispose();
            throw;
        }
        c.Body.Training = false;
        return c;
    }

    /// <summary>What the weights' file says of them (held-out accuracy, the command that made them).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; private set; } = new Dictionary<string, string>();

    /// <summary>Held-out accuracy recorded in the weights' file, or null.</summary>
    public double? RecordedAccuracy =>
        Metadata.TryGetValue("held_out_accuracy", out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) ? a : null;

    public void Dispose()
    {
        Body.Dispose();
        Head.Dispose();
    }
}
