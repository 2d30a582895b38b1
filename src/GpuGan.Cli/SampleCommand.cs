using System.Globalization;
using GpuGan.Device;
using GpuGan.Rng;
using GpuGan.Training;

using GpuGan.Options;

namespace GpuGan.Cli;

/// <summary>gpugan sample: a trained G (evaluation mode) on fresh noise, written as a PNG grid; a conditional G draws the asked class(es).</summary>
public static class SampleCommand
{
    public static readonly OptionSpec[] Specs =
    [
        new("checkpoint", "PATH", "", "checkpoint file, or a run folder (its latest checkpoint) — required"),
        new("count", "N", "64", "number of images (with --class all: per class, one row each; default --columns)"),
        new("class", "K|all", "all for conditional models", "conditional models: draw class K, or every class (one row per class, the same noise in each column)"),
        new("out", "FILE", "samples.png", "PNG grid to write"),
        new("columns", "N", "8", "images per grid row"),
        new("seed", "N", "0", "noise seed"),
        new("ema", null, "when the checkpoint has one", "use G's weight average (trained with --ema)"),
        new("no-ema", null, "", "use G itself even when the checkpoint has a weight average"),
        new("device", "NAME", "auto", "auto, cpu, cuda[:N] or opencl[:N]"),
        new("help", null, "", "show this help"),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var o = ParsedOptions.Parse("sample", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan sample --checkpoint PATH [options]", "Generates images from a trained generator.", Specs));
            return 0;
        }
        string ckptArg = o.String("checkpoint") ?? throw new UsageException("sample: --checkpoint PATH is required");
        int? countArg = o.Int("count", 1, 100_000);
        int columns = o.Int("columns", 1, 1000) ?? 8;
        string outPath = o.String("out") ?? "samples.png";
        ulong seed = o.ULong("seed") ?? 0;
        var (ckpt, file) = CheckpointStore.Open(ckptArg);
        var m = ckpt.State.Options.Model;
        var request = ClassRequest.Parse(o.String("class"), m);
        // --class all: one row per class, each column one latent vector drawn as every class.
        int perRow = request.All ? countArg ?? columns : 0;
        int count = request.All ? perRow * m.Classes : countArg ?? 64;
        if (request.All) columns = perRow;
        using var device = ComputeDevice.Create(DeviceSpec.Parse(o.String("device") ?? "auto"));
        using var g = CheckpointStore.LoadGenerator(device, ckpt, file, GeneratorChoice(o));
        int draws = request.All ? perRow : count;
        float[] latents;
        using (var z = device.Allocate(draws, m.LatentSize))
        {
            ckpt.State.Options.DrawLatent(new NoiseGenerator(device, seed, 3), z);
            latents = z.ToArray();
        }
        int[]? classes = null;
        if (request.All) (latents, classes) = BatchedGenerator.ClassGrid(latents, m.LatentSize, m.Classes);
        else if (m.Conditional) classes = Enumerable.Repeat(request.Class!.Value, count).ToArray();
        using var batches = new BatchedGenerator(device, Math.Min(count, MaxBatch), m.LatentSize, m.Conditional);
        var images = batches.Run(g, latents, classes);
        SampleGrid.Save(outPath, images, count, m.Channels, m.ImageSize, m.ImageSize, columns, classes: classes);
        string which = CheckpointStore.HasAverage(ckpt) && GeneratorChoice(o) != false ? "G_ema" : "G";
        string what = request.All ? $"{count} samples ({perRow} of each of {m.Classes} classes)" : request.Class is int k ? $"{count} samples of class {k}" : $"{count} samples";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {what} of {which} from {file} (iteration {ckpt.State.Iteration}) to {outPath}"));
        return 0;
    }

    /// <summary>Images generated per batch: G's activations at this batch bound the memory, whatever --count is.</summary>
    const int MaxBatch = 64;

    /// <summary>What --class asked for: one class, every class (a grid of rows), or nothing (an unconditional model).</summary>
    readonly record struct ClassRequest(int? Class, bool All)
    {
        public static ClassRequest Parse(string? text, Models.ModelConfig m)
        {
            if (!m.Conditional)
                return text == null ? default : throw new UsageException($"sample: --class needs a conditional model; {m.Name} takes no class labels");
            if (text == null || text.Equals("all", StringComparison.OrdinalIgnoreCase)) return new(null, true);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) || k < 0 || k >= m.Classes)
                throw new UsageException($"sample: --class '{text}': expected all or a class from 0 to {m.Classes - 1}");
            return new(k, false);
        }
    }

    /// <summary>--ema: the weight average (an error if the checkpoint has none); --no-ema: G; neither: the average when there is one.</summary>
    public static bool? GeneratorChoice(ParsedOptions o)
    {
        if (o.Has("ema") && o.Has("no-ema")) throw new UsageException($"{o.Command}: give --ema or --no-ema, not both");
        return o.Has("ema") ? true : o.Has("no-ema") ? false : null;
    }
}
