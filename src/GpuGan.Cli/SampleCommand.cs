using System.Globalization;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Export;
using GpuGan.Rng;
using GpuGan.Training;

using GpuGan.Options;
using GpuGan.Text;

namespace GpuGan.Cli;

/// <summary>gpugan sample: a trained G (evaluation mode) on fresh noise, written as a PNG, JPEG or BMP grid; a conditional G draws the asked class(es).</summary>
public static class SampleCommand
{
    /// <summary>What sample --weights takes when the file does not say: the model, its sizes and the latent noise.</summary>
    static readonly TrainOption[] WeightsRows =
    [
        TrainOptionTable.Model, TrainOptionTable.Latent, TrainOptionTable.ImageSize, TrainOptionTable.Channels,
        TrainOptionTable.GWidth, TrainOptionTable.Classes, TrainOptionTable.Noise,
    ];

    public static readonly OptionSpec[] Specs =
    [
        new("checkpoint", "PATH", "", "checkpoint file, or a run folder (its latest checkpoint) — this or --weights"),
        new("weights", "FILE", "", "or a generator state_dict: safetensors with PyTorch's names (gpugan export's generator.safetensors, models/gpugan_models.py's); model and sizes from its GpuGan metadata, else from --model and the options below"),
        .. WeightsRows.Select(r => r.Spec with { Help = $"--weights without GpuGan metadata: {r.Help}" }),
        new("count", "N", "64", "number of images (with --class all: per class, one row each; default --columns)"),
        new("class", "K|all", "all for conditional models", "conditional models: draw class K, or every class (one row per class, the same noise in each column)"),
        new("out", "FILE", "samples.png", $"image grid to write; its extension picks the format: {SampleGrid.Extensions} (only PNG keeps the class labels)"),
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
            stdout.WriteLine(ParsedOptions.Help("gpugan sample (--checkpoint PATH | --weights FILE) [options]", "Generates images from a trained generator.", Specs));
            return 0;
        }
        string? ckptArg = o.String("checkpoint"), weights = o.String("weights");
        if ((ckptArg == null) == (weights == null)) throw new UsageException("sample: give --checkpoint PATH or --weights FILE (one of them)");
        if (weights != null && (o.Has("ema") || o.Has("no-ema"))) throw new UsageException("sample: --ema and --no-ema apply to --checkpoint");
        if (ckptArg != null && WeightsRows.FirstOrDefault(r => o.Has(r.Flag)) is { } row)
            throw new UsageException($"sample: --{row.Flag} applies to --weights (a checkpoint knows its model)");
        int? countArg = o.Int("count", 1, 100_000);
        int columns = o.Int("columns", 1, 1000) ?? 8;
        string outPath = o.String("out") ?? "samples.png";
        // The format comes from the extension: refused here, before a device or a checkpoint is loaded.
        try { SampleGrid.EncoderFor(outPath); }
        catch (ArgumentException e) { throw new UsageException($"sample: --out {e.Message}"); }
        if (OutputPath.FileProblem(outPath) is { } problem) throw new UsageException($"sample: --out {outPath} {problem}");
        ulong seed = o.ULong("seed") ?? 0;
        Checkpoint? ckpt = null;
        string file;
        TrainOptions run;
        WeightsInfo? info = null;
        if (ckptArg != null)
        {
            (ckpt, file) = CheckpointStore.Open(ckptArg);
            run = ckpt.State.Options;
        }
        else
        {
            file = weights!;
            // The header alone (validated) says which model, before a device is created.
            info = WeightsInfo.FromMetadata(SafeTensors.ReadHeader(file).Metadata);
            if (info == null && !o.Has(TrainOptionTable.Model.Flag))
                throw new UsageException($"sample: {file} has no GpuGan metadata: give --model NAME (and --latent, --image-size, --g-width, --classes ... where they differ from its defaults)");
            var start = info == null ? new TrainOptions()
                : new TrainOptions { Model = info.Model, Noise = info.Noise == "uniform" ? NoiseDistribution.Uniform : NoiseDistribution.Normal };
            run = TrainOptionTable.FromCommandLine(o, start, WeightsRows);
            run.Validate();
        }
        var m = run.Model;
        var request = ClassRequest.Parse(o.String("class"), m);
        // --class all: one row per class, each column one latent vector drawn as every class.
        int perRow = request.All ? countArg ?? columns : 0;
        int count = request.All ? perRow * m.Classes : countArg ?? 64;
        if (request.All) columns = perRow;
        using var device = ComputeDevice.Create(DeviceSpec.Parse(o.String("device") ?? "auto"));
        using var g = ckpt != null ? CheckpointStore.LoadGenerator(device, ckpt, file, GeneratorChoice(o)) : LoadWeights(device, file, m);
        int draws = request.All ? perRow : count;
        float[] latents;
        using (var z = device.Allocate(draws, m.LatentSize))
        {
            run.DrawLatent(new NoiseGenerator(device, seed, 3), z);
            latents = z.ToArray();
        }
        int[]? classes = null;
        if (request.All) (latents, classes) = BatchedGenerator.ClassGrid(latents, m.LatentSize, m.Classes);
        else if (m.Conditional) classes = Enumerable.Repeat(request.Class!.Value, count).ToArray();
        using var batches = new BatchedGenerator(device, Math.Min(count, MaxBatch), m.LatentSize, m.Conditional);
        var images = batches.Run(g, latents, classes);
        SampleGrid.Save(outPath, images, count, m.Channels, m.ImageSize, m.ImageSize, columns, classes: classes);
        string which = ckpt != null ? (CheckpointStore.HasAverage(ckpt) && GeneratorChoice(o) != false ? "G_ema" : "G") : info?.Generator ?? "G";
        long? iteration = ckpt?.State.Iteration ?? info?.Iteration;
        string what = request.All ? $"{Count.Of(count, "sample")} ({perRow} of each of {Count.Of(m.Classes, "class", "classes")})" : request.Class is int k ? $"{Count.Of(count, "sample")} of class {k}" : Count.Of(count, "sample");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {what} of {which} from {file} ({(ckpt == null ? m.Name + (iteration != null ? ", " : "") : "")}{(iteration != null ? $"iteration {iteration}" : "")}) to {outPath}"));
        return 0;
    }

    /// <summary>G of model <paramref name="m"/> with the weights of a state_dict file, in evaluation mode.</summary>
    static Layers.Sequential LoadWeights(ComputeDevice device, string file, Models.ModelConfig m)
    {
        var g = m.Definition.Generator(device, m);
        try { StateDict.Load(file, g, m, NetworkKind.Generator); }
        catch
        {
            g.Dispose();
            throw;
        }
        g.Training = false;
        return g;
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
