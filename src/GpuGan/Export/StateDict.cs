using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Models;

namespace GpuGan.Export;

/// <summary>Which network of a GAN a weights file holds.</summary>
public enum NetworkKind { Generator, Discriminator }

/// <summary>
/// A network's weights as PyTorch's <c>state_dict()</c> of the equivalent <c>nn.Module</c> (models/gpugan_models.py),
/// in and out of safetensors files. The module's attribute names are GpuGan's layer names without the network's
/// prefix, so a tensor's name is GpuGan's checkpoint name less "G." or "D.": G.fc.weight → fc.weight,
/// G.bn0.running_mean → bn0.running_mean, D.embed.weight → embed.weight. Layouts are PyTorch's already (conv
/// (out, in, kh, kw), conv-transpose (in, out, kh, kw), linear (out, in)); parameters and buffers are F32,
/// BatchNorm's num_batches_tracked an I64 scalar (shape []). Entries come in PyTorch's order: layer by layer,
/// parameters, then buffers.
/// </summary>
public static class StateDict
{
    /// <summary>One state_dict entry: its PyTorch name, dtype and shape, and the live tensor or counter behind it.</summary>
    public sealed record Entry(string Name, SafeTensors.Dtype Dtype, int[] Shape, Tensor? Value, LayerCounter? Counter)
    {
        public string ShapeText => SafeTensors.ShapeText(Shape);
    }

    /// <summary>The PyTorch name of a GpuGan tensor name of <paramref name="network"/>: its "G."/"D." prefix dropped.</summary>
    public static string PyTorchName(Layer network, string name) =>
        name.StartsWith(network.Name + ".", StringComparison.Ordinal) ? name[(network.Name.Length + 1)..] : name;

    /// <summary>Every entry of the network's state_dict, in PyTorch's order.</summary>
    public static IReadOnlyList<Entry> Entries(Layer network)
    {
        var list = new List<Entry>();
        foreach (var leaf in Leaves(network))
        {
            foreach (var p in leaf.Parameters) list.Add(new Entry(PyTorchName(network, p.Name), SafeTensors.Dtype.F32, p.Value.Shape, p.Value, null));
            foreach (var (name, t) in leaf.Buffers) list.Add(new Entry(PyTorchName(network, name), SafeTensors.Dtype.F32, t.Shape, t, null));
            foreach (var c in leaf.Counters) list.Add(new Entry(PyTorchName(network, c.Name), SafeTensors.Dtype.I64, [], null, c));
        }
        var twice = list.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice != null) throw new InvalidOperationException($"{network.Name}: two tensors are named {twice.Key}");
        return list;
    }

    /// <summary>The network's state_dict as named safetensors tensors (values read from the device).</summary>
    public static IEnumerable<(string Name, SafeTensors.Tensor Tensor)> Tensors(Layer network) =>
        Entries(network).Select(e => (e.Name, e.Counter != null
            ? SafeTensors.Tensor.OfInt64([], [e.Counter.Value])
            : new SafeTensors.Tensor(e.Value!.Shape, e.Value.ToArray())));

    /// <summary>Writes the network's state_dict (atomically) with the given metadata.</summary>
    public static void Save(string path, Layer network, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Write(path, Tensors(network), metadata);

    /// <summary>
    /// Loads a state_dict file into <paramref name="network"/>, the <paramref name="kind"/> of <paramref name="model"/>.
    /// Every name, dtype and shape is checked before anything is copied: a missing, extra, mistyped or mis-shaped tensor
    /// (or a file whose GpuGan metadata says it holds the other network) is one <see cref="DataException"/> line naming
    /// it, and the network is left as it was. Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(string path, Layer network, ModelConfig model, NetworkKind kind)
    {
        var file = SafeTensors.Read(path);
        string what = $"the {model.Name} {Describe(kind)}";
        if (file.Metadata.TryGetValue(WeightsInfo.NetworkKey, out var held) && WeightsInfo.ParseNetwork(held) is { } heldKind && heldKind != kind)
            throw new DataException(path, $"holds a {Describe(heldKind)} (its metadata says network = {held}); {what} cannot load it");
        var entries = Entries(network);
        foreach (var e in entries)
        {
            if (!file.Tensors.TryGetValue(e.Name, out var t))
                throw new DataException(path, $"has no tensor {e.Name}; {what} needs it ({e.Dtype}, shape {e.ShapeText})");
            if (t.Dtype != e.Dtype)
                throw new DataException(path, $"tensor {e.Name} is {t.Dtype}, {what} needs {e.Dtype}");
            if (!t.Shape.AsSpan().SequenceEqual(e.Shape))
                throw new DataException(path, $"tensor {e.Name} has shape {t.ShapeText}, {what} needs {e.ShapeText}");
            if (e.Counter != null && t.Int64Data[0] < 0)
                throw new DataException(path, $"tensor {e.Name} is {t.Int64Data[0]}; a count must be >= 0");
        }
        var expected = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        if (file.Tensors.Keys.Where(n => !expected.Contains(n)).Order(StringComparer.Ordinal).FirstOrDefault() is { } extra)
            throw new DataException(path, $"tensor {Text.OneLine.Quote(extra)} is not part of {what} (weights of another model, size or network?)");
        foreach (var e in entries)
        {
            var t = file.Tensors[e.Name];
            if (e.Counter != null) e.Counter.Value = t.Int64Data[0];
            else e.Value!.CopyFrom(t.Data);
        }
        return file.Metadata;
    }

    public static string Describe(NetworkKind kind) => kind == NetworkKind.Generator ? "generator" : "discriminator";

    static IEnumerable<Layer> Leaves(Layer l) => l is Sequential s ? s.Layers.SelectMany(Leaves) : [l];
}
