using GpuGan.Data;
using GpuGan.Tests.Training;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Cli;

public sealed class EvalCommandTests
{
    static void AssertOneLineError((int Code, string Out, string Err) r, int code, string mustContain)
    {
        Assert.Equal(code, r.Code);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("gpugan: error: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(mustContain, err);
    }

    static double Figure(string output, string row, int column)
    {
        var line = output.Split('\n').First(l => l.StartsWith(row, StringComparison.Ordinal));
        var cells = line[22..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return double.Parse(cells[column], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Real_digits_score_near_the_floor_and_far_from_the_ceiling()
    {
        // 500 training digits written as IDX, as another tool would: judged like samples.
        var train = DatasetLoader.LoadEmbedded();
        string dir = TinyRun.TempDir();
        string file = Path.Combine(dir, "digits-idx3-ubyte.gz");
        IdxWriter.WriteImages(file, 500, 28, 28, train.Pixels.AsSpan(784 * 2000, 500 * 784).ToArray(), gzip: true);
        string json = Path.Combine(dir, "eval.json");
        var r = CliRun.Run("eval", "--images", file, "--device", "cpu", "--json", json);
        Assert.Equal(0, r.Code);
        Assert.Contains("samples (fake/real)", r.Out);
        Assert.Contains("500/1000", r.Out);
        double fid = Figure(r.Out, "FID", 0), floor = Figure(r.Out, "FID", 1), ceiling = Figure(r.Out, "FID", 2);
        Assert.True(fid < 3 * floor + 5, $"real digits FID {fid}, floor {floor}");
        Assert.True(ceiling > 20 * fid, $"noise FID {ceiling} against real {fid}");
        Assert.True(Figure(r.Out, "classes present", 0) == 10);
        Assert.True(Figure(r.Out, "classifier score", 0) > 8);
        Assert.True(Figure(r.Out, "precision (k=3)", 0) > 0.5);
        Assert.Contains("\"fid\"", File.ReadAllText(json));
    }

    [Fact]
    public void A_checkpoint_is_evaluated_with_its_average_by_default()
    {
        string dir = TinyRun.TempDir();
        using (var dev = Device.ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, QualityEvaluationTests.Small(dir, 2) with { Ema = 0.9f, EvalEvery = 0 }, DatasetLoader.LoadEmbedded()))
            t.Run(CancellationToken.None);
        var r = CliRun.Run("eval", "--checkpoint", dir, "--count", "64", "--device", "cpu", "--no-baselines");
        Assert.Equal(0, r.Code);
        Assert.Contains("G_ema of", r.Out);
        Assert.Contains("64/1000", r.Out);
        double ema = Figure(r.Out, "FID", 0);
        r = CliRun.Run("eval", "--checkpoint", dir, "--count", "64", "--device", "cpu", "--no-baselines", "--no-ema");
        Assert.Equal(0, r.Code);
        Assert.Contains("evaluating G of", r.Out);
        Assert.NotEqual(ema, Figure(r.Out, "FID", 0));
    }

    [Fact]
    public void Bad_input_is_one_line_and_a_non_zero_exit()
    {
        string dir = TinyRun.TempDir();
        AssertOneLineError(CliRun.Run("eval"), 2, "--checkpoint PATH or --images PATH");
        AssertOneLineError(CliRun.Run("eval", "--images", dir, "--checkpoint", dir), 2, "one of them");
        // an empty folder
        AssertOneLineError(CliRun.Run("eval", "--images", dir, "--device", "cpu"), 1, "no images found");
        // images of the wrong size: 8x8 IDX, and 8x8 PNGs (never resized for evaluation)
        TinyRun.WriteIdx(Path.Combine(dir, "idx"));
        AssertOneLineError(CliRun.Run("eval", "--images", Path.Combine(dir, "idx"), "--device", "cpu"), 1, "8x8");
        string png = Path.Combine(dir, "png");
        Directory.CreateDirectory(png);
        for (int i = 0; i < 5; i++) SampleGrid.Save(Path.Combine(png, $"{i}.png"), new float[64], 1, 1, 8, 8);
        AssertOneLineError(CliRun.Run("eval", "--images", png, "--device", "cpu"), 1, "expected 28x28");
        // a checkpoint of another model (8x8 images)
        string run = Path.Combine(dir, "run");
        using (var dev = Device.ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(run, 1), TinyRun.Data()))
            t.Run(CancellationToken.None);
        AssertOneLineError(CliRun.Run("eval", "--checkpoint", run, "--device", "cpu"), 1, "judges 1-channel images of at least 28x28");
        AssertOneLineError(CliRun.Run("eval", "--checkpoint", Path.Combine(dir, "none")), 1, "no such checkpoint");
        AssertOneLineError(CliRun.Run("eval", "--images", png, "--ema"), 2, "--ema");
    }

    /// <summary>--json is written after the evaluation: one that cannot be written is refused before the checkpoint is read.</summary>
    [Fact]
    public void A_json_path_that_cannot_be_written_is_refused_before_any_work()
    {
        string file = Path.Combine(TinyRun.TempDir(), "x");
        File.WriteAllText(file, "");
        string json = Path.Combine(file, "eval.json");
        AssertOneLineError(CliRun.Run("eval", "--checkpoint", "/nonexistent/run", "--json", json, "--device", "gpu"), 2,
            $"eval: --json {json} cannot be created: {file} is a file, not a folder");
        string folder = TinyRun.TempDir();
        AssertOneLineError(CliRun.Run("eval", "--checkpoint", "/nonexistent/run", "--json", folder), 2, $"eval: --json {folder} is a folder; give a file name");
        Assert.Equal("", File.ReadAllText(file));
    }
}
