using System.Globalization;
using GpuGan.Device;
using GpuGan.Export;
using GpuGan.Layers;
using GpuGan.Options;
using GpuGan.Training;
using GpuGan.Text;

namespace GpuGan.Cli;

/// <summary>
/// gpugan export: a checkpoint's G (G_ema when it has one) and D as files other tools read. safetensors:
/// OUT/generator.safetensors and OUT/discriminator.safetensors, PyTorch's state_dict of models/gpugan_models.py's
/// modules (<see cref="StateDict"/>), with the model, sizes, iteration and generator in the metadata; onnx:
/// OUT/generator.onnx, G in evaluation mode (<see cref="GeneratorOnnx"/>).
/// </summary>
public static class ExportCommand
{
    public const string GeneratorFile = "generator.safetensors", DiscriminatorFile = "discriminator.safetensors", GeneratorOnnxFile = "generator.onnx";

    public static readonly OptionSpec[] Specs =
    [
        new("checkpoint", "PATH", "", "checkpoint file, or a run folder (its latest checkpoint) — required"),
        new("out", "DIR", "", "folder to write into (created if missing) — required"),
        new("format", "KIND", "all", "safetensors (PyTorch state_dicts: generator.safetensors, discriminator.safetensors), onnx (generator.onnx: G in evaluation mode, opset 17), or all"),
        new("ema", null, "when the checkpoint has one", "export G's weight average (trained with --ema) as the generator"),
        new("no-ema", null, "", "export G itself even when the checkpoint has a weight average"),
        new("help", null, "", "show this help"),
    ];

    public enum Format { Safetensors, Onnx, All }

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var o = ParsedOptions.Parse("export", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan export --checkpoint PATH --out DIR [options]",
                "Writes a checkpoint's generator and discriminator for other tools: safetensors with PyTorch's state_dict names " +
                "(load them into models/gpugan_models.py's modules) and the generator as ONNX (ONNX Runtime, opset 17).", Specs));
            return 0;
        }
        string ckptArg = o.String("checkpoint") ?? throw new UsageException("export: --checkpoint PATH is required");
        string outDir = o.String("out") ?? throw new UsageException("export: --out DIR is required");
        if (outDir.Length == 0) throw new UsageException("export: --out must not be empty");
        var format = ParseFormat(o.String("format"));
        bool? choice = SampleCommand.GeneratorChoice(o);
        if (Data.OutputPath.FolderProblem(outDir) is { } problem) throw new UsageException($"export: --out {outDir} {problem}");

        var (ckpt, file) = CheckpointStore.Open(ckptArg);
        // Nothing is computed: the CPU accelerator only holds the tensors between checkpoint and file.
        using var device = ComputeDevice.CreateCpu(threads: 1);
        using var g = CheckpointStore.LoadGenerator(device, ckpt, file, choice);
        using var d = CheckpointStore.LoadDiscriminator(device, ckpt, file);
        var options = ckpt.State.Options;
        string which = choice ?? CheckpointStore.HasAverage(ckpt) ? "G_ema" : "G";
        string noise = options.Noise.ToString().ToLowerInvariant();
        Directory.CreateDirectory(outDir);
        string source = $"{which} of {file} (iteration {ckpt.State.Iteration})";
        if (format != Format.Onnx)
        {
            Write(stdout, Path.Combine(outDir, GeneratorFile), g, new WeightsInfo(options.Model, NetworkKind.Generator, ckpt.State.Iteration, which, noise), source);
            Write(stdout, Path.Combine(outDir, DiscriminatorFile), d, new WeightsInfo(options.Model, NetworkKind.Discriminator, ckpt.State.Iteration),
                $"D of {file} (iteration {ckpt.State.Iteration})");
        }
        if (format != Format.Safetensors)
        {
            string path = Path.Combine(outDir, GeneratorOnnxFile);
            GeneratorOnnx.Save(g, options.Model, path, $"GpuGan {options.Model.Name} {source}; latent noise {noise}");
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path} ({new FileInfo(path).Length:N0} bytes, opset {GeneratorOnnx.Opset}): {options.Model.Name} {source}"));
        }
        return 0;
    }

    static void Write(TextWriter stdout, string path, Layer network, WeightsInfo info, string what)
    {
        StateDict.Save(path, network, info.ToMetadata());
        int tensors = StateDict.Entries(network).Count;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {path} ({new FileInfo(path).Length:N0} bytes, {Count.Of(tensors, "tensor")}): {info.Model.Name} {what}"));
    }

    public static Format ParseFormat(string? text) => text?.ToLowerInvariant() switch
    {
        null or "all" => Format.All,
        "safetensors" => Format.Safetensors,
        "onnx" => Format.Onnx,
        _ => throw new UsageException($"export: --format '{text}': expected safetensors, onnx or all"),
    };
}
