using System.Globalization;
using GpuGan.Device;
using GpuGan.Rng;
using GpuGan.Training;

using GpuGan.Options;

namespace GpuGan.Cli;

/// <summary>gpugan sample: a trained G (evaluation mode) on fresh noise, written as a PNG grid.</summary>
public static class SampleCommand
{
    public static readonly OptionSpec[] Specs =
    [
        new("checkpoint", "PATH", "", "checkpoint file, or a run folder (its latest checkpoint) — required"),
        new("count", "N", "64", "number of images"),
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
        int count = o.Int("count", 1, 100_000) ?? 64;
        int columns = o.Int("columns", 1, 1000) ?? 8;
        string outPath = o.String("out") ?? "samples.png";
        ulong seed = o.ULong("seed") ?? 0;
        var (ckpt, file) = CheckpointStore.Open(ckptArg);
        var m = ckpt.State.Options.Model;
        using var device = ComputeDevice.Create(DeviceSpec.Parse(o.String("device") ?? "auto"));
        using var g = CheckpointStore.LoadGenerator(device, ckpt, file, GeneratorChoice(o));
        using var z = device.Allocate(count, m.LatentSize);
        var rng = new NoiseGenerator(device, seed, 3);
        ckpt.State.Options.DrawLatent(rng, z);
        var images = g.Forward(z).ToArray();
        SampleGrid.Save(outPath, images, count, m.Channels, m.ImageSize, m.ImageSize, columns);
        string which = CheckpointStore.HasAverage(ckpt) && GeneratorChoice(o) != false ? "G_ema" : "G";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {count} samples of {which} from {file} (iteration {ckpt.State.Iteration}) to {outPath}"));
        return 0;
    }

    /// <summary>--ema: the weight average (an error if the checkpoint has none); --no-ema: G; neither: the average when there is one.</summary>
    public static bool? GeneratorChoice(ParsedOptions o)
    {
        if (o.Has("ema") && o.Has("no-ema")) throw new UsageException($"{o.Command}: give --ema or --no-ema, not both");
        return o.Has("ema") ? true : o.Has("no-ema") ? false : null;
    }
}
