using System.Runtime.InteropServices;
using Google.Protobuf;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Models;
using GpuGan.Ops;
using Onnx;

namespace GpuGan.Export;

/// <summary>
/// Writes a generator as an ONNX model (opset <see cref="Opset"/>) in evaluation mode: BatchNorm uses its running
/// statistics whatever <see cref="Layer.Training"/> is, and G is not changed. Inputs: <c>z</c> float32 (N, latent) and,
/// for conditional models, <c>label</c> int64 (N) in [0, classes); output <c>image</c> float32 (N, C, H, W) in [-1, 1].
/// N is the symbolic batch dimension "N". Weights are initializers under G's parameter and buffer names
/// (e.g. <c>G.fc.weight</c>, <c>G.bn1.running_var</c>), so the file's tensors match a checkpoint's.
/// </summary>
public static class GeneratorOnnx
{
    public const int Opset = 17;
    /// <summary>ONNX IR version 8 (2021-07-30): the one opset 17 was published with; every runtime that has opset 17 reads it.</summary>
    public const long IrVersion = 8;
    public const string LatentInput = "z";
    public const string LabelInput = "label";
    public const string ImageOutput = "image";
    public const string BatchDimension = "N";

    /// <summary>Writes G as an ONNX model to <paramref name="path"/> (atomically: a failed write leaves no half file).</summary>
    /// <param name="producerNote">free text kept as the model's doc_string, e.g. which checkpoint and iteration it came from</param>
    /// <exception cref="NotSupportedException">G holds a layer type that has no ONNX mapping here (named in the message)</exception>
    /// <exception cref="ArgumentException">G does not fit <paramref name="config"/> (latent size, classes, image shape)</exception>
    public static void Save(Sequential g, ModelConfig config, string path, string producerNote)
    {
        var bytes = ToBytes(g, config, producerNote);
        AtomicFile.Write(path, fs => fs.Write(bytes));
    }

    /// <summary>The ONNX model's bytes (what <see cref="Save"/> writes).</summary>
    public static byte[] ToBytes(Sequential g, ModelConfig config, string producerNote) => Build(g, config, producerNote).ToByteArray();

    internal static ModelProto Build(Sequential g, ModelConfig config, string producerNote)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(config);
        var graph = new GraphProto { Name = $"{config.Name}.G" };
        graph.Input.Add(TensorValue(LatentInput, TensorProto.Types.DataType.Float, BatchDimension, config.LatentSize));
        if (config.Conditional) graph.Input.Add(TensorValue(LabelInput, TensorProto.Types.DataType.Int64, BatchDimension));

        var writer = new GraphWriter(graph, config);
        var (last, shape) = writer.Add(g, LatentInput, [config.LatentSize]);

        int[] expected = [config.Channels, config.ImageSize, config.ImageSize];
        if (!shape.AsSpan().SequenceEqual(expected))
            throw new ArgumentException($"{g.Name} gives (N, {string.Join(", ", shape)}) per batch, not the (N, {string.Join(", ", expected)}) images {config.Name} describes");
        writer.NameOutput(last, ImageOutput);
        graph.Output.Add(TensorValue(ImageOutput, TensorProto.Types.DataType.Float, BatchDimension, expected));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "GpuGan",
            ProducerVersion = typeof(GeneratorOnnx).Assembly.GetName().Version?.ToString() ?? "",
            DocString = producerNote ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        void Meta(string key, object value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value.ToString() });
        Meta("gpugan.model", config.Name);
        Meta("gpugan.latent_size", config.LatentSize);
        Meta("gpugan.classes", config.Classes);
        Meta("gpugan.channels", config.Channels);
        Meta("gpugan.image_size", config.ImageSize);
        return model;
    }

    static ValueInfoProto TensorValue(string name, TensorProto.Types.DataType type, string batch, params int[] rest)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (int d in rest) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>Appends layers' nodes to a graph, following the value each layer reads and its per-sample shape.</summary>
    sealed class GraphWriter(GraphProto graph, ModelConfig config)
    {
        readonly HashSet<string> names = [LatentInput, LabelInput];

        /// <summary>Adds <paramref name="layer"/> reading <paramref name="x"/> of per-sample shape <paramref name="shape"/>; returns its output and shape.</summary>
        public (string Value, int[] Shape) Add(Layer layer, string x, int[] shape)
        {
            switch (layer)
            {
                case Sequential s:
                    foreach (var l in s.Layers) (x, shape) = Add(l, x, shape);
                    return (x, shape);

                case Linear l:
                    Expect(l, shape.Length == 1 && shape[0] == l.InFeatures, shape, $"(N, {l.InFeatures})");
                    return (Node("Gemm", l.Name, [x, Weight(l.Weight), .. Optional(l.Bias)], [Attr("transB", 1)]), [l.OutFeatures]);

                case BatchNorm b:
                    Expect(b, (shape.Length == 1 || shape.Length == 3) && shape[0] == b.Channels, shape, $"(N, {b.Channels}) or (N, {b.Channels}, H, W)");
                    string[] bnInputs = [x, Weight(b.Weight), Weight(b.Bias), Initializer($"{b.Name}.running_mean", b.RunningMean), Initializer($"{b.Name}.running_var", b.RunningVar)];
                    return (Node("BatchNormalization", b.Name, bnInputs, [Attr("epsilon", b.Eps)]), shape);

                case Activation a:
                    return (a.Kind switch
                    {
                        ActivationFunction.Identity => Node("Identity", a.Name, [x]),
                        ActivationFunction.Relu => Node("Relu", a.Name, [x]),
                        ActivationFunction.LeakyRelu => Node("LeakyRelu", a.Name, [x], [Attr("alpha", a.Slope)]),
                        ActivationFunction.Tanh => Node("Tanh", a.Name, [x]),
                        ActivationFunction.Sigmoid => Node("Sigmoid", a.Name, [x]),
                        _ => throw new NotSupportedException($"{a.Name}: activation {a.Kind} has no ONNX mapping"),
                    }, shape);

                case Reshape r:
                    if (r.Shape == null)
                        return (Node("Flatten", r.Name, [x], [Attr("axis", 1)]), [Tensor.Count(shape)]);
                    Expect(r, Tensor.Count(shape) == Tensor.Count(r.Shape), shape, $"(N, {Tensor.Count(r.Shape)} values)");
                    // 0 copies the batch dimension (N stays symbolic); the rest is the layer's per-sample shape.
                    long[] target = [0, .. r.Shape.Select(d => (long)d)];
                    return (Node("Reshape", r.Name, [x, Int64Initializer($"{r.Name}.shape", target)]), [.. r.Shape]);

                case ConvTranspose2d ct:
                {
                    Expect(ct, shape.Length == 3 && shape[0] == ct.InChannels, shape, $"(N, {ct.InChannels}, H, W)");
                    var o = ct.Options;
                    int oh = o.TransposedOut(shape[1], true), ow = o.TransposedOut(shape[2], false);
                    var y = Node("ConvTranspose", ct.Name, [x, Weight(ct.Weight), .. Optional(ct.Bias)],
                    [
                        Attr("kernel_shape", o.KernelH, o.KernelW), Attr("strides", o.StrideH, o.StrideW),
                        Attr("pads", o.PadH, o.PadW, o.PadH, o.PadW), Attr("output_padding", o.OutputPadH, o.OutputPadW),
                        Attr("dilations", 1, 1), Attr("group", 1),
                    ]);
                    return (y, [ct.OutChannels, oh, ow]);
                }

                case Conv2d cv:
                {
                    Expect(cv, shape.Length == 3 && shape[0] == cv.InChannels, shape, $"(N, {cv.InChannels}, H, W)");
                    var o = cv.Options;
                    int oh = o.ConvOut(shape[1], true), ow = o.ConvOut(shape[2], false);
                    var y = Node("Conv", cv.Name, [x, Weight(cv.Weight), .. Optional(cv.Bias)],
                    [
                        Attr("kernel_shape", o.KernelH, o.KernelW), Attr("strides", o.StrideH, o.StrideW),
                        Attr("pads", o.PadH, o.PadW, o.PadH, o.PadW), Attr("dilations", 1, 1), Attr("group", 1),
                    ]);
                    return (y, [cv.OutChannels, oh, ow]);
                }

                case MaxPool2d mp:
                {
                    Expect(mp, shape.Length == 3, shape, "(N, C, H, W)");
                    var o = mp.Options;
                    int oh = (shape[1] + 2 * o.PadH - o.KernelH) / o.StrideH + 1, ow = (shape[2] + 2 * o.PadW - o.KernelW) / o.StrideW + 1;
                    var y = Node("MaxPool", mp.Name, [x],
                        [Attr("kernel_shape", o.KernelH, o.KernelW), Attr("strides", o.StrideH, o.StrideW), Attr("pads", o.PadH, o.PadW, o.PadH, o.PadW)]);
                    return (y, [shape[0], oh, ow]);
                }

                case LabelConcat lc:
                {
                    if (!config.Conditional)
                        throw new ArgumentException($"{lc.Name}: G joins class labels but {config.Name}'s config has no classes");
                    if (lc.Classes != config.Classes)
                        throw new ArgumentException($"{lc.Name}: embeds {lc.Classes} classes, the config says {config.Classes}");
                    Expect(lc, shape.Length is 1 or 3, shape, "(N, F) or (N, C, H, W)");
                    // embed(y): (N, dim), rows of the table picked by label.
                    string e = Node("Gather", $"{lc.Name}.gather", [Weight(lc.Weight), LabelInput], [Attr("axis", 0)]);
                    if (shape.Length == 3)
                    {
                        // As extra channels, the same at every position: (N, dim) -> (N, dim, 1, 1) -> (N, dim, H, W).
                        e = Node("Unsqueeze", $"{lc.Name}.unsqueeze", [e, Int64Initializer($"{lc.Name}.axes", [2, 3])]);
                        e = Node("Expand", $"{lc.Name}.expand", [e, Int64Initializer($"{lc.Name}.plane", [1, 1, shape[1], shape[2]])]);
                    }
                    int[] outShape = [.. shape];
                    outShape[0] += lc.Dim;
                    return (Node("Concat", lc.Name, [x, e], [Attr("axis", 1)]), outShape);
                }

                default:
                    throw new NotSupportedException($"{layer.Name}: layer type {layer.GetType().Name} has no ONNX mapping in {nameof(GeneratorOnnx)}");
            }
        }

        /// <summary>Makes <paramref name="value"/> (the graph's last value) be called <paramref name="name"/>.</summary>
        public void NameOutput(string value, string name)
        {
            var producer = graph.Node.LastOrDefault(n => n.Output.Contains(value));
            if (producer == null || graph.Node.Any(n => n != producer && n.Input.Contains(value)))
            {
                Node("Identity", name, [value], output: name);
                return;
            }
            producer.Output[producer.Output.IndexOf(value)] = name;
        }

        static void Expect(Layer layer, bool ok, int[] shape, string wanted)
        {
            if (!ok) throw new ArgumentException($"{layer.Name}: expects {wanted}, gets (N, {string.Join(", ", shape)})");
        }

        string Unique(string name)
        {
            if (names.Add(name)) return name;
            for (int i = 1; ; i++)
                if (names.Add($"{name}_{i}")) return $"{name}_{i}";
        }

        string Node(string op, string name, string[] inputs, AttributeProto[]? attributes = null, string? output = null)
        {
            var node = new NodeProto { OpType = op, Name = name };
            node.Input.Add(inputs);
            node.Output.Add(output ?? Unique(name));
            if (attributes != null) node.Attribute.Add(attributes);
            graph.Node.Add(node);
            return node.Output[0];
        }

        string[] Optional(Parameter? p) => p == null ? [] : [Weight(p)];

        string Weight(Parameter p) => Initializer(p.Name, p.Value);

        string Initializer(string name, Tensor t)
        {
            var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
            proto.Dims.Add(t.Shape.Select(d => (long)d));
            var data = t.ToArray();
            if (BitConverter.IsLittleEndian) proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
            else proto.FloatData.Add(data);
            graph.Initializer.Add(proto);
            return proto.Name;
        }

        string Int64Initializer(string name, long[] values)
        {
            var proto = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
            proto.Dims.Add(values.Length);
            proto.Int64Data.Add(values);
            graph.Initializer.Add(proto);
            return proto.Name;
        }

        static AttributeProto Attr(string name, int value) =>
            new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

        static AttributeProto Attr(string name, float value) =>
            new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

        static AttributeProto Attr(string name, int first, int second, params int[] rest)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.Add(new long[] { first, second }.Concat(rest.Select(v => (long)v)));
            return a;
        }
    }
}
