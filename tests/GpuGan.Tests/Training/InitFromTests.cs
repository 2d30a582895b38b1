using System.Text.Json;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Export;
using GpuGan.Layers;
using GpuGan.Training;
using Xunit;
using static GpuGan.Tests.Cli.CliRun;

namespace GpuGan.Tests.Training;

/// <summary>train --init-g/--init-d: a run that starts from exported (PyTorch-named) weights, applied once, never on resume.</summary>
public sealed class InitFromTests
{
    static readonly string[] Tiny = [.. TinyRun.CliOptions, "--threads", "1"];

    /// <summary>A 3-iteration tiny dcgan28 run exported: (folder with generator/discriminator.safetensors, the IDX data folder).</summary>
    static (string Export, string Data) Exported()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run"), export = Path.Combine(TinyRun.TempDir(), "export");
        var r = Run(["train", "--data", data, "--out", run, "--iterations", "3", "--seed", "3", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        r = Run("export", "--checkpoint", run, "--out", export, "--format", "safetensors");
        Assert.True(r.Code == 0, r.Err);
        return (export, data);
    }

    static void AssertHolds(Sequential network, string file)
    {
        var expected = SafeTensors.Read(file).Tensors;
        var actual = StateDict.Tensors(network).ToList();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (name, t) in actual)
        {
            Assert.Equal(expected[name].Int64Data, t.Int64Data);
            Assert.True(expected[name].Data.Select(BitConverter.SingleToInt32Bits).SequenceEqual(t.Data.Select(BitConverter.SingleToInt32Bits)), $"{name} differs from {file}");
        }
    }

    [Fact]
    public void The_first_step_starts_from_the_files_weights()
    {
        var (export, _) = Exported();
        string g = Path.Combine(export, "generator.safetensors"), d = Path.Combine(export, "discriminator.safetensors");
        using var dev = ComputeDevice.CreateCpu();
        var options = TinyRun.Options(TinyRun.TempDir(), 2) with { Seed = 99, InitG = g, InitD = d, Ema = 0.5f };
        using var t = new GanTrainer(dev, options, TinyRun.Data());
        AssertHolds(t.G, g);
        AssertHolds(t.D, d);
        // G_ema starts as a copy of G, so from the file's weights too.
        Assert.Equal(StateDict.Tensors(t.G).Where(x => x.Tensor.Dtype == SafeTensors.Dtype.F32).Select(x => x.Tensor.Data),
            StateDict.Tensors(t.Ema!.Generator).Where(x => x.Tensor.Dtype == SafeTensors.Dtype.F32).Select(x => x.Tensor.Data));
        // Only G: D keeps the seed's initialisation.
        using var onlyG = new GanTrainer(dev, options with { InitD = null }, TinyRun.Data());
        using var seedOnly = new GanTrainer(dev, options with { InitG = null, InitD = null }, TinyRun.Data());
        AssertHolds(onlyG.G, g);
        Assert.Equal(StateDict.Tensors(seedOnly.D).Select(x => x.Tensor.Data), StateDict.Tensors(onlyG.D).Select(x => x.Tensor.Data));
        Assert.NotEqual(StateDict.Tensors(seedOnly.G).First().Tensor.Data, StateDict.Tensors(onlyG.G).First().Tensor.Data);
        t.Step();
        Assert.NotEqual(SafeTensors.Read(g).Tensors["fc.weight"].Data, t.G.Parameters.First().Value.ToArray());
    }

    static Dictionary<string, float[]> FinalTensors(string run) =>
        Checkpoint.Load(Checkpoint.Resolve(run)).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Data);

    [Fact]
    public void A_resumed_run_keeps_the_option_and_does_not_apply_it_again()
    {
        var (export, data) = Exported();
        string g = Path.Combine(export, "generator.safetensors"), d = Path.Combine(export, "discriminator.safetensors");
        string full = Path.Combine(TinyRun.TempDir(), "full"), half = Path.Combine(TinyRun.TempDir(), "half");
        string[] init = ["--init-g", g, "--init-d", d, "--data", data, .. Tiny];
        var r = Run(["train", "--out", full, "--iterations", "3", .. init]);
        Assert.True(r.Code == 0, r.Err);
        r = Run(["train", "--out", half, "--iterations", "1", .. init]);
        Assert.True(r.Code == 0, r.Err);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(half, "config.json"))))
        {
            Assert.Equal(g, config.RootElement.GetProperty("initG").GetString());
            Assert.Equal(d, config.RootElement.GetProperty("initD").GetString());
        }
        r = Run("train", "--resume", half, "--iterations", "3", "--data", data, "--device", "cpu", "--threads", "1");
        Assert.True(r.Code == 0, r.Err);
        // Were the files applied again on resume, the resumed run would be one step from them, not three.
        var a = FinalTensors(full);
        var b = FinalTensors(half);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, values) in a) Assert.True(values.AsSpan().SequenceEqual(b[name]), $"{name} differs after resume");
        Assert.Equal(Checkpoint.Load(Checkpoint.Resolve(full)).State.Counters, Checkpoint.Load(Checkpoint.Resolve(half)).State.Counters);

        // Naming other weights on resume is refused: the run already started from its own.
        r = Run("train", "--resume", half, "--iterations", "4", "--init-g", d, "--device", "cpu");
        Assert.Equal(2, r.Code);
        Assert.Contains("--init-g differs from the run", r.Err);
    }

    [Fact]
    public void Wrong_or_missing_files_are_one_line()
    {
        var (export, data) = Exported();
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var r = Run(["train", "--out", run, "--iterations", "1", "--data", data, "--init-g", Path.Combine(export, "discriminator.safetensors"), .. Tiny]);
        Assert.Equal(1, r.Code);
        Assert.Contains("holds a discriminator (its metadata says network = discriminator); the dcgan28 generator cannot load it", r.Err);
        Assert.DoesNotContain('\n', r.Err.TrimEnd());
        r = Run(["train", "--out", run, "--iterations", "1", "--data", data, "--init-d", Path.Combine(export, "none.safetensors"), .. Tiny]);
        Assert.Equal(1, r.Code);
        Assert.Contains("none.safetensors: file not found", r.Err);
        // Another width: the tensor and both shapes.
        r = Run(["train", "--out", run, "--iterations", "1", "--data", data, "--init-g", Path.Combine(export, "generator.safetensors"),
            "--image-size", "8", "--g-width", "8", "--d-width", "4", "--latent", "8", "--batch-size", "8", "--device", "cpu"]);
        Assert.Equal(1, r.Code);
        Assert.Contains("generator.safetensors: tensor fc.weight has shape (32, 8), the dcgan28 generator needs (64, 8)", r.Err);
        Assert.Contains("--init-g FILE", Run("train", "--help").Out);
    }
}
