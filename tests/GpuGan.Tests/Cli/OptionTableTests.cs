using System.Text.Json;
using GpuGan.Cli;
using GpuGan.Tests.Training;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Cli;

/// <summary>An option is one row of TrainOptionTable: the CLI, config.json and resume follow from it.</summary>
public sealed class OptionTableTests
{
    static readonly string[] Tiny = TinyRun.CliOptions;

    [Fact]
    public void Every_TrainOptions_property_has_one_row_and_every_row_one_flag()
    {
        var properties = typeof(TrainOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToList();
        var bound = TrainOptionTable.Rows.Where(r => r.Property != null).Select(r => r.Property!.Split('.')[0]).ToList();
        foreach (var p in properties) Assert.Contains(p, bound);
        Assert.Equal(TrainOptionTable.Rows.Count, TrainOptionTable.Rows.Select(r => r.Flag).Distinct().Count());
        var train = TrainCommand.Specs.Select(s => s.Name).ToList();
        Assert.Equal(train.Count, train.Distinct().Count());
    }

    [Fact]
    public void Label_smoothing_is_accepted_written_to_config_and_checked_on_resume()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Contains("--label-smoothing X", CliRun.Run("train", "--help").Out);
        Assert.Contains("--label-smoothing X", CliRun.Run("profile", "--help").Out);

        var r = CliRun.Run(["train", "--data", data, "--out", run, "--iterations", "1", "--label-smoothing", "0.9", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
            Assert.Equal(0.9f, config.RootElement.GetProperty("labelSmoothing").GetSingle());
        Assert.Equal(0.9f, GpuGan.Training.Checkpoint.Load(GpuGan.Training.Checkpoint.Resolve(run)).State.Options.LabelSmoothing);

        var same = CliRun.Run("train", "--resume", run, "--iterations", "2", "--label-smoothing", "0.9", "--device", "cpu");
        Assert.True(same.Code == 0, same.Err);
        var other = CliRun.Run("train", "--resume", run, "--iterations", "3", "--label-smoothing", "0.8", "--device", "cpu");
        Assert.Equal(2, other.Code);
        Assert.Contains("--label-smoothing differs", other.Err);
    }

    [Theory]
    [InlineData("1.5", "--label-smoothing '1.5': must be > 0 and <= 1")]
    [InlineData("0", "--label-smoothing '0': must be > 0 and <= 1")]
    [InlineData("soft", "--label-smoothing 'soft': expected a number")]
    public void Bad_label_smoothing_is_a_one_line_usage_error(string value, string message)
    {
        var r = CliRun.Run("train", "--label-smoothing", value);
        Assert.Equal(2, r.Code);
        Assert.Equal($"gpugan: error: train: {message}", r.Err.TrimEnd());
    }

    [Fact]
    public void Label_smoothing_with_a_loss_without_target_is_a_one_line_usage_error()
    {
        var r = CliRun.Run("train", "--loss", "hinge", "--label-smoothing", "0.9", "--iterations", "1", "--device", "cpu");
        Assert.Equal(2, r.Code);
        Assert.Equal("gpugan: error: --label-smoothing sets D's real target of the bce, minimax and lsgan losses; --loss hinge has no target (leave it at 1)", r.Err.TrimEnd());
        Assert.Contains("hinge and wgan have no target", CliRun.Run("train", "--help").Out);
    }

    [Fact]
    public void A_run_without_label_smoothing_in_its_config_resumes_with_it_off()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, CliRun.Run(["train", "--data", data, "--out", run, "--iterations", "1", .. Tiny]).Code);
        // An older checkpoint: its stored options lack the key.
        var c = GpuGan.Training.Checkpoint.Load(GpuGan.Training.Checkpoint.Resolve(run));
        var json = JsonSerializer.SerializeToNode(c.State.Options, GpuGan.Training.Checkpoint.Json)!.AsObject();
        Assert.True(json.Remove("labelSmoothing"));
        var old = JsonSerializer.Deserialize<TrainOptions>(json.ToJsonString(), GpuGan.Training.Checkpoint.Json)!;
        Assert.Equal(1f, old.LabelSmoothing);
    }
}
