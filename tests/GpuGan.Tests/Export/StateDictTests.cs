using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Export;
using GpuGan.Layers;
using GpuGan.Models;
using GpuGan.Rng;
using GpuGan.Tests.Training;
using Xunit;

namespace GpuGan.Tests.Export;

/// <summary>PyTorch state_dict names of GpuGan's networks, against models/gpugan_models.py (python3, and torch where present).</summary>
public sealed class StateDictTests
{
    /// <summary>A registered model at test sizes: latent 8, widths 4, 8x8 images for the 28 models, 3 classes for the conditional ones.</summary>
    internal static ModelConfig Small(string model)
    {
        var d = ModelCatalog.Get(model).Defaults;
        return d with { LatentSize = 8, GeneratorWidth = 4, DiscriminatorWidth = 4, ImageSize = d.ImageSize == 64 ? 64 : 8, Classes = d.Classes > 0 ? 3 : 0 };
    }

    internal static Sequential Network(ComputeDevice dev, ModelConfig m, NetworkKind kind, ulong seed = 5)
    {
        var (g, d) = m.Definition.Build(dev, m, new NoiseGenerator(dev, seed, 0));
        (kind == NetworkKind.Generator ? d : g).Dispose();
        return kind == NetworkKind.Generator ? g : d;
    }

    [Fact]
    public void Cdcgan28_names_are_the_pytorch_state_dict_keys()
    {
        using var dev = ComputeDevice.CreateCpu(threads: 1);
        var m = ModelCatalog.Get("cdcgan28").Defaults;
        using var g = Network(dev, m, NetworkKind.Generator);
        using var d = Network(dev, m, NetworkKind.Discriminator);
        string Describe(Sequential n) => string.Join("\n", StateDict.Entries(n).Select(e => $"{e.Name} {e.Dtype} {e.ShapeText}"));
        Assert.Equal("""
            embed.weight F32 (10, 10)
            fc.weight F32 (6272, 110)
            fc.bias F32 (6272)
            bn0.weight F32 (6272)
            bn0.bias F32 (6272)
            bn0.running_mean F32 (6272)
            bn0.running_var F32 (6272)
            bn0.num_batches_tracked I64 ()
            deconv1.weight F32 (128, 64, 4, 4)
            deconv1.bias F32 (64)
            bn1.weight F32 (64)
            bn1.bias F32 (64)
            bn1.running_mean F32 (64)
            bn1.running_var F32 (64)
            bn1.num_batches_tracked I64 ()
            deconv2.weight F32 (64, 1, 4, 4)
            deconv2.bias F32 (1)
            """.ReplaceLineEndings("\n"), Describe(g));
        Assert.Equal("""
            conv1.weight F32 (64, 1, 4, 4)
            conv1.bias F32 (64)
            conv2.weight F32 (128, 64, 4, 4)
            conv2.bias F32 (128)
            bn2.weight F32 (128)
            bn2.bias F32 (128)
            bn2.running_mean F32 (128)
            bn2.running_var F32 (128)
            bn2.num_batches_tracked I64 ()
            fc.weight F32 (1, 6272)
            fc.bias F32 (1)
            embed.weight F32 (10, 6272)
            """.ReplaceLineEndings("\n"), Describe(d));
        // Every name is GpuGan's checkpoint name less "G."/"D.".
        Assert.Equal(CheckpointNames(g).Select(n => n[2..]).Order(), StateDict.Entries(g).Select(e => e.Name).Order());
        Assert.Equal(CheckpointNames(d).Select(n => n[2..]).Order(), StateDict.Entries(d).Select(e => e.Name).Order());
    }

    static IEnumerable<string> CheckpointNames(Sequential n) =>
        GpuGan.Training.CheckpointStore.Tensors(n).Select(t => t.Name).Concat(n.Counters.Select(c => c.Name));

    public static TheoryData<string, NetworkKind> EveryNetwork()
    {
        var data = new TheoryData<string, NetworkKind>();
        foreach (var m in new[] { "dcgan28", "dcgan64", "cdcgan28", "cdcgan64" })
            foreach (var k in new[] { NetworkKind.Generator, NetworkKind.Discriminator }) data.Add(m, k);
        return data;
    }

    [PythonTheory]
    [MemberData(nameof(EveryNetwork))]
    public void Names_dtypes_and_shapes_match_the_python_modules_table(string model, NetworkKind kind)
    {
        using var dev = ComputeDevice.CreateCpu(threads: 1);
        var m = Small(model);
        using var net = Network(dev, m, kind);
        string dir = TinyRun.TempDir(), file = Path.Combine(dir, "w.safetensors");
        StateDict.Save(file, net, new WeightsInfo(m, kind, 0).ToMetadata());
        var r = Python.Check(file);
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains($"the {model} {StateDict.Describe(kind)} (latent=8, channels=1, image_size={m.ImageSize}, g_width=4, d_width=4, classes={m.Classes})", r.Output);

        // The check can fail: the same file without its first tensor, named explicitly since it has no metadata.
        string broken = Path.Combine(dir, "broken.safetensors");
        var tensors = StateDict.Tensors(net).ToList();
        SafeTensors.Write(broken, tensors.Skip(1));
        string[] sizes = ["--latent", "8", "--image-size", $"{m.ImageSize}", "--g-width", "4", "--d-width", "4", "--classes", $"{m.Classes}", "--network", StateDict.Describe(kind)];
        r = Python.Check([broken, model, .. sizes]);
        Assert.Equal(1, r.Code);
        Assert.Contains($"missing tensor {tensors[0].Name}", r.Output);
    }

    [TorchTheory]
    [MemberData(nameof(EveryNetwork))]
    public void The_torch_module_loads_the_file_strictly_and_computes_what_GpuGan_computes(string model, NetworkKind kind)
    {
        using var dev = ComputeDevice.CreateCpu(threads: 1);
        var m = Small(model);
        using var net = Network(dev, m, kind);
        const int n = 4;
        using var labels = dev.AllocateInts(n);
        labels.CopyFrom([0, 1, 2, 1]);
        if (m.Conditional) net.Labels = labels;
        var rng = new NoiseGenerator(dev, 11, 1);
        using var input = kind == NetworkKind.Generator ? dev.Allocate(n, m.LatentSize) : dev.Allocate(n, m.Channels, m.ImageSize, m.ImageSize);
        // Two training-mode batches move the BatchNorm statistics away from 0/1 and count num_batches_tracked; then evaluation mode.
        for (int i = 0; i < 3; i++)
        {
            if (kind == NetworkKind.Generator) rng.Normal(input);
            else rng.Uniform(input, -1f, 1f);
            if (i < 2) net.Forward(input);
        }
        net.Training = false;
        var output = net.Forward(input);
        string dir = TinyRun.TempDir(), weights = Path.Combine(dir, "w.safetensors"), io = Path.Combine(dir, "io.safetensors");
        StateDict.Save(weights, net, new WeightsInfo(m, kind, 2).ToMetadata());
        var ioTensors = new List<(string, SafeTensors.Tensor)>
        {
            (kind == NetworkKind.Generator ? "z" : "x", new SafeTensors.Tensor(input.Shape, input.ToArray())),
            ("out", new SafeTensors.Tensor(output.Shape, output.ToArray())),
        };
        if (m.Conditional) ioTensors.Add(("y", SafeTensors.Tensor.OfInt64([n], [0, 1, 2, 1])));
        SafeTensors.Write(io, ioTensors);
        var r = Python.Run(Python.WithTorch!, Python.CheckScript, weights, "--compare", io);
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("with strict=True", r.Output);
        Assert.Contains("OK: its output", r.Output);
        Assert.All(StateDict.Entries(net).Where(e => e.Counter != null), e => Assert.Equal(2, e.Counter!.Value));
    }

    [Fact]
    public void Loading_checks_every_name_dtype_and_shape_in_one_line_and_leaves_the_network_as_it_was()
    {
        using var dev = ComputeDevice.CreateCpu(threads: 1);
        string dir = TinyRun.TempDir();
        var c4 = Small("cdcgan28");
        string cg = Path.Combine(dir, "G.safetensors");
        using (var g = Network(dev, c4, NetworkKind.Generator)) StateDict.Save(cg, g, new WeightsInfo(c4, NetworkKind.Generator).ToMetadata());

        string Problem(string file, ModelConfig m, NetworkKind kind)
        {
            using var net = Network(dev, m, kind, seed: 9);
            var before = StateDict.Tensors(net).ToList();
            var e = Assert.Throws<DataException>(() => StateDict.Load(file, net, m, kind));
            Assert.DoesNotContain('\n', e.Message);
            var after = StateDict.Tensors(net).ToList();
            Assert.Equal(before.Select(t => t.Tensor.Data), after.Select(t => t.Tensor.Data));
            return e.Message;
        }

        // Another width: the first tensor that differs, with both shapes.
        Assert.Equal($"{cg}: tensor fc.weight has shape (32, 11), the cdcgan28 generator needs (64, 11)",
            Problem(cg, c4 with { GeneratorWidth = 8 }, NetworkKind.Generator));
        // Another number of classes.
        Assert.Equal($"{cg}: tensor embed.weight has shape (3, 3), the cdcgan28 generator needs (10, 10)",
            Problem(cg, c4 with { Classes = 10 }, NetworkKind.Generator));
        // An unconditional G whose input width happens to match: everything it needs is there, plus the embedding.
        var plain = Small("dcgan28") with { LatentSize = 11 };
        Assert.Equal($"{cg}: tensor embed.weight is not part of the dcgan28 generator (weights of another model, size or network?)",
            Problem(cg, plain, NetworkKind.Generator));
        // The other way round: the embedding is missing.
        string dg = Path.Combine(dir, "plain.safetensors");
        using (var g = Network(dev, plain, NetworkKind.Generator)) StateDict.Save(dg, g);
        Assert.Equal($"{dg}: has no tensor embed.weight; the cdcgan28 generator needs it (F32, shape (3, 3))",
            Problem(dg, c4, NetworkKind.Generator));
        // A discriminator file offered as the generator (said by its metadata).
        string cd = Path.Combine(dir, "D.safetensors");
        using (var d = Network(dev, c4, NetworkKind.Discriminator)) StateDict.Save(cd, d, new WeightsInfo(c4, NetworkKind.Discriminator).ToMetadata());
        Assert.Equal($"{cd}: holds a discriminator (its metadata says network = discriminator); the cdcgan28 generator cannot load it",
            Problem(cd, c4, NetworkKind.Generator));
        // num_batches_tracked as F32 (PyTorch's is int64), and a negative count.
        string f32 = Path.Combine(dir, "f32.safetensors"), negative = Path.Combine(dir, "negative.safetensors");
        using (var g = Network(dev, c4, NetworkKind.Generator))
        {
            var t = StateDict.Tensors(g).ToList();
            SafeTensors.Write(f32, t.Select(x => x.Name == "bn1.num_batches_tracked" ? (x.Name, new SafeTensors.Tensor([], [3f])) : x));
            SafeTensors.Write(negative, t.Select(x => x.Name == "bn1.num_batches_tracked" ? (x.Name, SafeTensors.Tensor.OfInt64([], [-1])) : x));
        }
        Assert.Equal($"{f32}: tensor bn1.num_batches_tracked is F32, the cdcgan28 generator needs I64", Problem(f32, c4, NetworkKind.Generator));
        Assert.Equal($"{negative}: tensor bn1.num_batches_tracked is -1; a count must be >= 0", Problem(negative, c4, NetworkKind.Generator));
    }

    [Fact]
    public void Save_then_load_is_bit_identical_for_every_model()
    {
        using var dev = ComputeDevice.CreateCpu(threads: 1);
        foreach (var model in new[] { "dcgan28", "dcgan64", "cdcgan28", "cdcgan64" })
            foreach (var kind in new[] { NetworkKind.Generator, NetworkKind.Discriminator })
            {
                var m = Small(model);
                string file = Path.Combine(TinyRun.TempDir(), "w.safetensors");
                using var a = Network(dev, m, kind, seed: 1);
                foreach (var c in a.Counters) c.Value = 1L << 40 | 3;
                StateDict.Save(file, a);
                using var b = Network(dev, m, kind, seed: 2);
                StateDict.Load(file, b, m, kind);
                var ea = StateDict.Tensors(a).ToList();
                var eb = StateDict.Tensors(b).ToList();
                Assert.Equal(ea.Select(t => t.Name), eb.Select(t => t.Name));
                for (int i = 0; i < ea.Count; i++)
                {
                    Assert.Equal(ea[i].Tensor.Int64Data, eb[i].Tensor.Int64Data);
                    Assert.True(ea[i].Tensor.Data.Select(BitConverter.SingleToInt32Bits).SequenceEqual(eb[i].Tensor.Data.Select(BitConverter.SingleToInt32Bits)),
                        $"{model} {kind} {ea[i].Name}");
                }
            }
    }
}
