using GpuGan.Device;
using GpuGan.Export;
using GpuGan.Layers;
using GpuGan.Models;
using GpuGan.Ops;
using GpuGan.Rng;
using GpuGan.Tests.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Export;

/// <summary>
/// Every registered generator, exported to ONNX and run by ONNX Runtime, gives what GpuGan's own evaluation-mode
/// forward pass gives (max |difference| &lt;= 1e-5) at batch sizes 1 and 5 through the one symbolic batch dimension.
/// </summary>
public sealed class GeneratorOnnxTests(ITestOutputHelper output)
{
    const float Tolerance = 1e-5f;

    /// <summary>Each registered model (built-in and test-registered) at width 8, and dcgan28 at its default size.</summary>
    public static TheoryData<string, int> Generators()
    {
        var data = new TheoryData<string, int>();
        foreach (var m in ModelCatalog.All) data.Add(m.Name, 8);
        data.Add("dcgan28", 0);
        return data;
    }

    static ModelConfig Config(string model, int width)
    {
        var c = ModelCatalog.Get(model).Defaults;
        return width > 0 ? c with { GeneratorWidth = width, DiscriminatorWidth = width } : c;
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Onnx_runtime_matches_the_eval_forward_pass(string model, int width)
    {
        var config = Config(model, width);
        using var dev = ComputeDevice.CreateCpu();
        using var g = ModelCatalog.Get(model).Generator(dev, config);
        ModelCatalog.Get(model).Initialize(g, new NoiseGenerator(dev, 11));
        WarmBatchNorm(dev, g, config);
        g.Training = false;

        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, $"{model}.onnx");
        GeneratorOnnx.Save(g, config, path, $"test export of {model}");
        Assert.False(g.Training);

        using var session = new InferenceSession(path);
        CheckSignature(session, config);
        float worst = 0f;
        foreach (int n in new[] { 1, 5 })
        {
            float diff = Compare(dev, g, session, config, n, seed: (ulong)(100 + n), out float scale);
            output.WriteLine($"{model} (g-width {config.GeneratorWidth}) batch {n}: max |ORT - GpuGan| = {diff:E2} (max |image| {scale:F3})");
            worst = Math.Max(worst, diff);
        }
        output.WriteLine($"{model} (g-width {config.GeneratorWidth}): {new FileInfo(path).Length} bytes, {ModelDefinition.CountParameters(g)} parameters, max |diff| {worst:E2}");
        Assert.True(worst <= Tolerance, $"{model}: max |ORT - GpuGan| = {worst:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void Model_file_has_opset_17_names_initializers_and_metadata()
    {
        var config = Config("cdcgan28", 8);
        using var dev = ComputeDevice.CreateCpu();
        using var g = config.Definition.Generator(dev, config);
        config.Definition.Initialize(g, new NoiseGenerator(dev, 3));
        var model = Onnx.ModelProto.Parser.ParseFrom(GeneratorOnnx.ToBytes(g, config, "from a test"));

        Assert.Contains(model.OpsetImport, o => o.Domain == "" && o.Version >= 17);
        Assert.Equal("from a test", model.DocString);
        Assert.Equal("GpuGan", model.ProducerName);
        Assert.Equal(["z", "label"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["image"], model.Graph.Output.Select(o => o.Name));
        var z = model.Graph.Input[0].Type.TensorType;
        Assert.Equal((int)Onnx.TensorProto.Types.DataType.Float, z.ElemType);
        Assert.Equal("N", z.Shape.Dim[0].DimParam);
        Assert.Equal(100, z.Shape.Dim[1].DimValue);
        Assert.Equal((int)Onnx.TensorProto.Types.DataType.Int64, model.Graph.Input[1].Type.TensorType.ElemType);
        // Every parameter and running statistic is an initializer under its checkpoint name, with the same values.
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        foreach (var p in g.Parameters)
            Assert.Equal(p.Value.ToArray(), Floats(initializers[p.Name]));
        foreach (var (name, value) in g.Buffers)
            Assert.Equal(value.ToArray(), Floats(initializers[name]));
        Assert.Equal([10L, 10L], initializers["G.embed.weight"].Dims);
        Assert.Equal("cdcgan28", model.MetadataProps.Single(p => p.Key == "gpugan.model").Value);
        Assert.Equal("10", model.MetadataProps.Single(p => p.Key == "gpugan.classes").Value);
    }

    [Fact]
    public void Every_mapped_layer_including_label_channels_on_4d_inputs_matches_the_runtime()
    {
        // Not a registered G: Linear, LeakyReLU, a view, the label as extra channels, Conv2d, BatchNorm2d, Sigmoid,
        // MaxPool2d, a ConvTranspose2d with output padding, Identity and tanh, checked like the models above.
        var config = new ModelConfig("every-layer", LatentSize: 16, Channels: 1, ImageSize: 5, GeneratorWidth: 1, DiscriminatorWidth: 1, Classes: 3);
        using var dev = ComputeDevice.CreateCpu();
        using var g = new Sequential(dev, "G",
            new Linear(dev, "G.fc", 16, 32),
            new Activation(dev, "G.lrelu", ActivationFunction.LeakyRelu, 0.2f),
            new Reshape(dev, "G.view", [2, 4, 4]),
            new LabelConcat(dev, "G.embed", 3, 2),
            new Sequential(dev, "G.block",
                new Conv2d(dev, "G.block.conv", 4, 6, ConvOptions.Square(3, 1, 1)),
                new BatchNorm(dev, "G.block.bn", 6, eps: 1e-3f),
                new Activation(dev, "G.block.sigmoid", ActivationFunction.Sigmoid)),
            new MaxPool2d(dev, "G.pool", 2, 2),
            new ConvTranspose2d(dev, "G.deconv", 6, 1, ConvOptions.Square(4, 2, 1, outputPadding: 1)),
            new Activation(dev, "G.id", ActivationFunction.Identity),
            new Activation(dev, "G.tanh", ActivationFunction.Tanh));
        DcganInitialization.Apply(g, new NoiseGenerator(dev, 5));
        foreach (var p in g.Parameters.Where(p => p.Name.EndsWith(".bias", StringComparison.Ordinal)))
            new NoiseGenerator(dev, 6).Normal(p.Value, 0f, 0.1f); // non-zero biases, so a dropped one shows
        WarmBatchNorm(dev, g, config);
        g.Training = false;

        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, "every-layer.onnx");
        GeneratorOnnx.Save(g, config, path, "");
        using var session = new InferenceSession(path);
        CheckSignature(session, config);
        foreach (int n in new[] { 1, 5 })
        {
            float diff = Compare(dev, g, session, config, n, seed: 7, out float scale);
            output.WriteLine($"every-layer batch {n}: max |ORT - GpuGan| = {diff:E2} (max |image| {scale:F3})");
            Assert.True(diff <= Tolerance, $"batch {n}: {diff:E3}");
        }
    }

    [Fact]
    public void Unsupported_layer_is_a_NotSupportedException_naming_it_and_writes_no_file()
    {
        var config = new ModelConfig("custom", LatentSize: 4, Channels: 1, ImageSize: 1, Classes: 2);
        using var dev = ComputeDevice.CreateCpu();
        using var g = new Sequential(dev, "G", new Linear(dev, "G.fc", 4, 3), new ProjectionHead(dev, "G.head", "G.head_embed", 3, 2));
        using var dir = new TempFolder();
        string path = Path.Combine(dir.Path, "g.onnx");
        var e = Assert.Throws<NotSupportedException>(() => GeneratorOnnx.Save(g, config, path, ""));
        Assert.Contains("ProjectionHead", e.Message);
        Assert.Contains("G.head", e.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Generator_that_does_not_fit_the_config_is_refused()
    {
        var config = Config("dcgan28", 8);
        using var dev = ComputeDevice.CreateCpu();
        using var g = config.Definition.Generator(dev, config);
        var e = Assert.Throws<ArgumentException>(() => GeneratorOnnx.ToBytes(g, config with { LatentSize = 64 }, ""));
        Assert.Contains("G.fc", e.Message);
        e = Assert.Throws<ArgumentException>(() => GeneratorOnnx.ToBytes(g, config with { Channels = 3 }, ""));
        Assert.Contains("(N, 3, 28, 28)", e.Message);
    }

    /// <summary>
    /// Training-mode forwards on random z (and labels), so BatchNorm's running statistics are not the initial 0 and 1:
    /// the plain mean of four batches' statistics (momentum 1/(k+1)), so that evaluation mode normalises about as
    /// training does and the images are not squashed towards 0, where any two exports would agree.
    /// </summary>
    static void WarmBatchNorm(ComputeDevice dev, Sequential g, ModelConfig config)
    {
        var rng = new NoiseGenerator(dev, 42);
        var bns = Flatten(g).OfType<BatchNorm>().ToList();
        g.Training = true;
        using var z = dev.Allocate(16, config.LatentSize);
        using var labels = dev.AllocateInts(16);
        for (int step = 0; step < 4; step++)
        {
            foreach (var b in bns) b.Momentum = 1f / (step + 1);
            rng.Normal(z);
            labels.CopyFrom(Enumerable.Range(0, 16).Select(i => config.Conditional ? (7 * i + step) % config.Classes : 0).ToArray());
            g.Labels = config.Conditional ? labels : null;
            g.Forward(z);
        }
        g.Labels = null;
        foreach (var b in bns) b.Momentum = 0.1f;
        Assert.All(bns, b => Assert.Contains(b.RunningMean.ToArray(), v => v != 0f));
        Assert.All(bns, b => Assert.Contains(b.RunningVar.ToArray(), v => v != 1f));
    }

    static IEnumerable<Layer> Flatten(Layer l) => l is Sequential s ? s.Layers.SelectMany(Flatten) : [l];

    static void CheckSignature(InferenceSession session, ModelConfig config)
    {
        Assert.Equal(config.Conditional ? ["z", "label"] : ["z"], session.InputNames);
        Assert.Equal(["image"], session.OutputNames);
        var z = session.InputMetadata["z"];
        Assert.Equal(typeof(float), z.ElementType);
        Assert.Equal([-1, config.LatentSize], z.Dimensions);
        Assert.Equal("N", z.SymbolicDimensions[0]);
        if (config.Conditional)
        {
            var label = session.InputMetadata["label"];
            Assert.Equal(typeof(long), label.ElementType);
            Assert.Equal([-1], label.Dimensions);
            Assert.Equal("N", label.SymbolicDimensions[0]);
        }
        var image = session.OutputMetadata["image"];
        Assert.Equal(typeof(float), image.ElementType);
        Assert.Equal([-1, config.Channels, config.ImageSize, config.ImageSize], image.Dimensions);
        Assert.Equal("N", image.SymbolicDimensions[0]);
    }

    /// <summary>Max |ORT - GpuGan| over a batch of <paramref name="n"/> fixed z (labels i % classes).</summary>
    /// <remarks><paramref name="scale"/> is max |image|: the images must not be near zero, where any export would agree.</remarks>
    internal static float Compare(ComputeDevice dev, Sequential g, InferenceSession session, ModelConfig config, int n, ulong seed, out float scale,
        float minScale = 1e-2f)
    {
        using var z = dev.Allocate(n, config.LatentSize);
        new NoiseGenerator(dev, seed).Normal(z);
        var zHost = z.ToArray();
        int[] classes = [.. Enumerable.Range(0, n).Select(i => config.Conditional ? i % config.Classes : 0)];
        using var labels = dev.AllocateInts(n);
        labels.CopyFrom(classes);
        g.Labels = config.Conditional ? labels : null;
        var expected = g.Forward(z).ToArray();
        g.Labels = null;

        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("z", new DenseTensor<float>(zHost, [n, config.LatentSize])) };
        if (config.Conditional)
            inputs.Add(NamedOnnxValue.CreateFromTensor("label", new DenseTensor<long>(classes.Select(c => (long)c).ToArray(), [n])));
        using var results = session.Run(inputs);
        var image = results.Single(r => r.Name == "image").AsTensor<float>();
        Assert.Equal([n, config.Channels, config.ImageSize, config.ImageSize], image.Dimensions.ToArray());
        var actual = image.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(actual, v => Assert.True(float.IsFinite(v)));
        float worst = 0f;
        for (int i = 0; i < actual.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        scale = expected.Max(Math.Abs);
        Assert.True(scale > minScale, $"max |image| {scale}: too close to zero for the comparison to mean much");
        return worst;
    }

    static float[] Floats(Onnx.TensorProto t) =>
        t.RawData.Length > 0 ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : [.. t.FloatData];
}
