using GpuGan.Device;
using GpuGan.Models;
using GpuGan.Tests.Cli;
using GpuGan.Tests.Training;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Models;

/// <summary>A model registered from outside the library trains, checkpoints, samples and is listed like a built-in one.</summary>
public sealed class TinyMlpGanTests
{
    static TrainOptions Options(string outDir) => TinyRun.Options(outDir, 2) with { Model = new TinyMlpGan().Defaults };

    [Fact]
    public void Trains_two_iterations_through_the_trainer_and_its_checkpoint_gives_back_G()
    {
        using var dev = ComputeDevice.CreateCpu();
        string dir = TinyRun.TempDir();
        using var trainer = new GanTrainer(dev, Options(dir), TinyRun.Data());
        Assert.IsType<TinyMlpGan>(trainer.Model);
        var result = trainer.Run(CancellationToken.None);
        Assert.Equal(TrainOutcome.Completed, result.Outcome);
        Assert.Equal(2, trainer.Iteration);
        Assert.All(trainer.History, h => Assert.True(float.IsFinite(h.LossD) && float.IsFinite(h.LossG)));

        var (ckpt, file) = CheckpointStore.Open(dir);
        Assert.Equal("tiny-mlp", ckpt.State.Options.Model.Name);
        using var g = CheckpointStore.LoadGenerator(dev, ckpt, file);
        Assert.Equal(trainer.G.Parameters.First().Value.ToArray(), g.Parameters.First().Value.ToArray());
    }

    [Fact]
    public void Command_line_picks_it_by_name_and_lists_it()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var r = CliRun.Run("train", "--model", "tiny-mlp", "--data", data, "--out", run, "--iterations", "2", "--batch-size", "8", "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("model: tiny-mlp", r.Out);
        var s = CliRun.Run("sample", "--checkpoint", run, "--count", "4", "--out", Path.Combine(run, "s.png"), "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        var m = CliRun.Run("models");
        Assert.Contains(m.Out.Split('\n'), l => l.StartsWith("tiny-mlp ", StringComparison.Ordinal) && l.Contains("z 8 -> 1x8x8"));
    }
}
