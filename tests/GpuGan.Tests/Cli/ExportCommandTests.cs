using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Export;
using GpuGan.Tests.Training;
using GpuGan.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using static GpuGan.Tests.Cli.CliRun;

namespace GpuGan.Tests.Cli;

/// <summary>gpugan export --format safetensors, and gpugan sample --weights on what it wrote.</summary>
public sealed class ExportCommandTests
{
    static readonly string[] Tiny = [.. TinyRun.CliOptions, "--threads", "1"];

    static string TrainedRun(string model, params string[] extra)
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var r = Run(["train", "--model", model, "--data", data, "--out", run, "--iterations", "3", .. Tiny, .. extra]);
        Assert.True(r.Code == 0, r.Err);
        return run;
    }

    static void AssertOneLine((int Code, string Out, string Err) r, int code, string expected)
    {
        Assert.True(r.Code == code, $"exit {r.Code}: {r.Err}");
        Assert.StartsWith("gpugan: error: ", r.Err);
        Assert.DoesNotContain('\n', r.Err.TrimEnd());
        Assert.Contains(expected, r.Err);
    }

    /// <summary>Each tensor of the file equals the checkpoint's tensor of GpuGan name prefix + name, bit for bit; counters too.</summary>
    static void AssertExportOf(string file, Checkpoint c, string prefix)
    {
        var contents = SafeTensors.Read(file);
        foreach (var (name, t) in contents.Tensors)
        {
            string key = prefix + name;
            if (t.Dtype == SafeTensors.Dtype.I64)
            {
                Assert.Empty(t.Shape);
                Assert.Equal(c.State.Counters![key], Assert.Single(t.Int64Data));
                continue;
            }
            Assert.Equal(c.Tensors[key].Shape, t.Shape);
            Assert.True(c.Tensors[key].Data.AsSpan().SequenceEqual(t.Data), $"{name} differs from the checkpoint's {key}");
        }
        int expected = c.Tensors.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal)) + c.State.Counters!.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
        Assert.Equal(expected, contents.Tensors.Count);
    }

    [Fact]
    public void Exports_G_and_D_of_a_run_bit_identical_to_its_checkpoint()
    {
        string run = TrainedRun("dcgan28");
        string out1 = Path.Combine(TinyRun.TempDir(), "export");
        var r = Run("export", "--checkpoint", run, "--out", out1, "--format", "safetensors");
        Assert.True(r.Code == 0, r.Err);
        string g = Path.Combine(out1, "generator.safetensors"), d = Path.Combine(out1, "discriminator.safetensors");
        var lines = r.Out.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"wrote {g} ({new FileInfo(g).Length:N0} bytes, 16 tensors): dcgan28 G of ", lines[0]);
        Assert.StartsWith($"wrote {d} ({new FileInfo(d).Length:N0} bytes, 11 tensors): dcgan28 D of ", lines[1]);
        string file = Checkpoint.Resolve(run);
        var c = Checkpoint.Load(file);
        AssertExportOf(g, c, "G.");
        AssertExportOf(d, c, "D.");
        var meta = SafeTensors.Read(g).Metadata;
        Assert.Equal("pt", meta["format"]);
        Assert.Equal("dcgan28", meta["model"]);
        Assert.Equal("G", meta["generator"]);
        Assert.Equal("3", meta["iteration"]);
        Assert.Equal(new WeightsInfo(c.State.Options.Model, NetworkKind.Generator, 3, "G", "normal"), WeightsInfo.FromMetadata(meta));
        Assert.Equal(NetworkKind.Discriminator, WeightsInfo.FromMetadata(SafeTensors.Read(d).Metadata)!.Network);
        Assert.False(SafeTensors.Read(d).Metadata.ContainsKey("generator"));
        Assert.Equal(3, SafeTensors.Read(g).Tensors["bn0.num_batches_tracked"].Int64Data[0]);
        Assert.Equal(9, SafeTensors.Read(d).Tensors["bn2.num_batches_tracked"].Int64Data[0]);
    }

    [Fact]
    public void The_generator_is_G_ema_when_the_run_has_one_unless_no_ema()
    {
        string run = TrainedRun("cdcgan28", "--ema", "0.9");
        var c = Checkpoint.Load(Checkpoint.Resolve(run));
        string ema = Path.Combine(TinyRun.TempDir(), "ema"), plain = Path.Combine(TinyRun.TempDir(), "plain");
        var r = Run("export", "--checkpoint", run, "--out", ema, "--format", "safetensors");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("17 tensors): cdcgan28 G_ema of ", r.Out);
        AssertExportOf(Path.Combine(ema, "generator.safetensors"), c, "ema.G.");
        Assert.Equal("G_ema", SafeTensors.Read(Path.Combine(ema, "generator.safetensors")).Metadata["generator"]);
        Assert.Equal(16, SafeTensors.Read(Path.Combine(ema, "generator.safetensors")).Tensors["bn0.num_batches_tracked"].Int64Data[0]);
        r = Run("export", "--checkpoint", Checkpoint.Resolve(run), "--out", plain, "--format", "safetensors", "--no-ema");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("cdcgan28 G of ", r.Out);
        AssertExportOf(Path.Combine(plain, "generator.safetensors"), c, "G.");
        AssertExportOf(Path.Combine(plain, "discriminator.safetensors"), c, "D.");
        Assert.Equal("G", SafeTensors.Read(Path.Combine(plain, "generator.safetensors")).Metadata["generator"]);
    }

    [Fact]
    public void Export_all_writes_both_safetensors_and_an_onnx_generator_that_onnx_runtime_runs_like_the_checkpoint()
    {
        string run = TrainedRun("cdcgan28");
        string dir = Path.Combine(TinyRun.TempDir(), "export");
        var r = Run("export", "--checkpoint", run, "--out", dir);
        Assert.True(r.Code == 0, r.Err);
        foreach (string f in new[] { GpuGan.Cli.ExportCommand.GeneratorFile, GpuGan.Cli.ExportCommand.DiscriminatorFile, GpuGan.Cli.ExportCommand.GeneratorOnnxFile })
        {
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
            Assert.Contains($"wrote {Path.Combine(dir, f)} (", r.Out);
        }
        Assert.Contains("opset 17", r.Out);

        var (ckpt, file) = CheckpointStore.Open(run);
        using var dev = ComputeDevice.CreateCpu();
        using var g = CheckpointStore.LoadGenerator(dev, ckpt, file);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(dir, GpuGan.Cli.ExportCommand.GeneratorOnnxFile));
        // A 3-iteration tiny G draws faint images; the figures' fidelity at full scale is GeneratorOnnxTests'.
        float worst = Export.GeneratorOnnxTests.Compare(dev, g, session, ckpt.State.Options.Model, 5, 9, out _, minScale: 1e-4f);
        Assert.True(worst <= 1e-5f, $"ONNX Runtime differs from the checkpoint's G by {worst}");

        var onnxOnly = Path.Combine(TinyRun.TempDir(), "onnx");
        Assert.Equal(0, Run("export", "--checkpoint", run, "--out", onnxOnly, "--format", "onnx").Code);
        Assert.Equal([GpuGan.Cli.ExportCommand.GeneratorOnnxFile], Directory.GetFiles(onnxOnly).Select(Path.GetFileName));
    }

    [Fact]
    public void Bad_requests_are_one_line()
    {
        string run = TrainedRun("dcgan28");
        string dir = Path.Combine(TinyRun.TempDir(), "x");
        var help = Run("export", "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("--format KIND", help.Out);
        Assert.Contains("(default: all)", help.Out);
        Assert.Contains("export", Run("--help").Out);
        AssertOneLine(Run("export", "--out", dir), 2, "export: --checkpoint PATH is required");
        AssertOneLine(Run("export", "--checkpoint", run), 2, "export: --out DIR is required");
        AssertOneLine(Run("export", "--checkpoint", run, "--out", dir, "--format", "pickle"), 2, "export: --format 'pickle': expected safetensors, onnx or all");
        AssertOneLine(Run("export", "--checkpoint", run, "--out", dir, "--format", "safetensors", "--ema"), 1, "has no weight average of G");
        AssertOneLine(Run("export", "--checkpoint", run, "--out", dir, "--format", "safetensors", "--ema", "--no-ema"), 2, "give --ema or --no-ema, not both");
        AssertOneLine(Run("export", "--checkpoint", Path.Combine(run, "nope"), "--out", dir, "--format", "safetensors"), 1, "no such checkpoint");
        Assert.False(Directory.Exists(dir));
    }

    static Rgba32[] Pixels(string png)
    {
        using var image = Image.Load<Rgba32>(png);
        var pixels = new Rgba32[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    [Fact]
    public void Sample_weights_draws_what_sample_checkpoint_draws()
    {
        string run = TrainedRun("cdcgan28", "--ema", "0.9");
        string export = Path.Combine(TinyRun.TempDir(), "export");
        Assert.Equal(0, Run("export", "--checkpoint", run, "--out", export, "--format", "safetensors").Code);
        string g = Path.Combine(export, "generator.safetensors");
        string fromCheckpoint = Path.Combine(TinyRun.TempDir(), "c.png"), fromWeights = Path.Combine(TinyRun.TempDir(), "w.png");
        var a = Run("sample", "--checkpoint", run, "--class", "3", "--count", "6", "--out", fromCheckpoint, "--device", "cpu");
        Assert.True(a.Code == 0, a.Err);
        var b = Run("sample", "--weights", g, "--class", "3", "--count", "6", "--out", fromWeights, "--device", "cpu");
        Assert.True(b.Code == 0, b.Err);
        Assert.Equal($"wrote 6 samples of class 3 of G_ema from {g} (cdcgan28, iteration 3) to {fromWeights}", b.Out.TrimEnd());
        Assert.Equal(Pixels(fromCheckpoint), Pixels(fromWeights));

        // A file without GpuGan's metadata (e.g. saved from PyTorch) needs the model and its sizes.
        string bare = Path.Combine(TinyRun.TempDir(), "bare.safetensors");
        SafeTensors.Write(bare, SafeTensors.Read(g).Tensors.Select(kv => (kv.Key, kv.Value)));
        AssertOneLine(Run("sample", "--weights", bare, "--out", fromWeights, "--device", "cpu"), 2, "has no GpuGan metadata: give --model NAME");
        AssertOneLine(Run("sample", "--weights", bare, "--model", "cdcgan28", "--out", fromWeights, "--device", "cpu"), 1,
            "bare.safetensors: tensor fc.weight has shape (32, 18), the cdcgan28 generator needs (6272, 110)");
        string sized = Path.Combine(TinyRun.TempDir(), "sized.png");
        var s = Run("sample", "--weights", bare, "--model", "cdcgan28", "--latent", "8", "--image-size", "8", "--g-width", "4",
            "--class", "3", "--count", "6", "--out", sized, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        Assert.Contains("of G from", s.Out);
        Assert.Equal(Pixels(fromCheckpoint), Pixels(sized));

        AssertOneLine(Run("sample", "--weights", g, "--checkpoint", run), 2, "give --checkpoint PATH or --weights FILE (one of them)");
        AssertOneLine(Run("sample"), 2, "give --checkpoint PATH or --weights FILE (one of them)");
        AssertOneLine(Run("sample", "--weights", g, "--ema"), 2, "--ema and --no-ema apply to --checkpoint");
        AssertOneLine(Run("sample", "--checkpoint", run, "--model", "dcgan28"), 2, "--model applies to --weights");
        AssertOneLine(Run("sample", "--weights", Path.Combine(export, "discriminator.safetensors"), "--out", fromWeights, "--device", "cpu"), 1, "holds a discriminator");
        Assert.Contains("--weights FILE", Run("sample", "--help").Out);
    }

    /// <summary>An --out that cannot be a folder is refused before the checkpoint is read (here it does not exist).</summary>
    [Fact]
    public void An_out_that_cannot_be_a_folder_is_refused_before_the_checkpoint_is_read()
    {
        string file = Path.Combine(TinyRun.TempDir(), "x");
        File.WriteAllText(file, "");
        AssertOneLine(Run("export", "--checkpoint", "/nonexistent/run", "--out", file), 2, $"export: --out {file} is a file; give a folder");
        AssertOneLine(Run("export", "--checkpoint", "/nonexistent/run", "--out", Path.Combine(file, "sub")), 2,
            $"export: --out {Path.Combine(file, "sub")} cannot be created: {file} is a file, not a folder");
        Assert.Equal("", File.ReadAllText(file));
    }
}
