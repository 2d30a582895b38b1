using System.Globalization;
using GpuGan.Models;

namespace GpuGan.Export;

/// <summary>
/// What GpuGan writes into an exported file's safetensors metadata (all values strings): format "pt" (PyTorch
/// tensors, as Hugging Face's tools expect), producer "gpugan", the model and its sizes under the keyword arguments
/// of models/gpugan_models.py (latent, channels, image_size, g_width, d_width, classes), the network, the training
/// iteration, for a generator which one (G or G_ema) and the latent noise it was trained with.
/// </summary>
public sealed record WeightsInfo(ModelConfig Model, NetworkKind Network, long? Iteration = null, string? Generator = null, string? Noise = null)
{
    public const string NetworkKey = "network";
    public const string Producer = "gpugan";

    public Dictionary<string, string> ToMetadata()
    {
        var inv = CultureInfo.InvariantCulture;
        var m = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["producer"] = Producer,
            ["model"] = Model.Name,
            [NetworkKey] = StateDict.Describe(Network),
            ["latent"] = Model.LatentSize.ToString(inv),
            ["channels"] = Model.Channels.ToString(inv),
            ["image_size"] = Model.ImageSize.ToString(inv),
            ["g_width"] = Model.GeneratorWidth.ToString(inv),
            ["d_width"] = Model.DiscriminatorWidth.ToString(inv),
            ["classes"] = Model.Classes.ToString(inv),
        };
        if (Iteration is long i) m["iteration"] = i.ToString(inv);
        if (Generator != null) m["generator"] = Generator;
        if (Noise != null) m["noise"] = Noise;
        return m;
    }

    /// <summary>The info of a file GpuGan wrote (producer gpugan, every size readable), else null.</summary>
    public static WeightsInfo? FromMetadata(IReadOnlyDictionary<string, string> m)
    {
        if (!m.TryGetValue("producer", out var p) || p != Producer || !m.TryGetValue("model", out var model)) return null;
        int? Int(string key) => m.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;
        if (Int("latent") is not int latent || Int("channels") is not int channels || Int("image_size") is not int size
            || Int("g_width") is not int gw || Int("d_width") is not int dw || Int("classes") is not int classes
            || !m.TryGetValue(NetworkKey, out var net) || ParseNetwork(net) is not NetworkKind kind)
            return null;
        long? iteration = m.TryGetValue("iteration", out var it) && long.TryParse(it, NumberStyles.Integer, CultureInfo.InvariantCulture, out long iv) ? iv : null;
        return new WeightsInfo(new ModelConfig(model, latent, channels, size, gw, dw, classes), kind, iteration,
            m.GetValueOrDefault("generator"), m.GetValueOrDefault("noise"));
    }

    public static NetworkKind? ParseNetwork(string s) => s switch
    {
        "generator" => NetworkKind.Generator,
        "discriminator" => NetworkKind.Discriminator,
        _ => null,
    };
}
