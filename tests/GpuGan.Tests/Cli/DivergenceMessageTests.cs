using GpuGan.Tests.Training;
using GpuGan.Training;
using Xunit;
using static GpuGan.Tests.Cli.CliRun;

namespace GpuGan.Tests.Cli;

public sealed class DivergenceMessageTests
{
    static readonly string[] Tiny = TinyRun.CliOptions;

    [Fact]
    public void A_diverged_run_says_so_once_and_exits_3()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "2", .. Tiny]).Code);
        // D's output layer made huge (finite, so the checkpoint is resumed): the next step's losses are not finite.
        string file = Checkpoint.Resolve(run);
        var c = Checkpoint.Load(file);
        var tensors = c.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
        var (shape, values) = tensors["D.fc.weight"];
        tensors["D.fc.weight"] = (shape, Enumerable.Repeat(3e38f, values.Length).ToArray());
        new Checkpoint { State = c.State, Tensors = tensors }.Save(file);

        // Losses are read at logging steps: logging every step makes iteration 3 the one that reports it.
        var r = Run("train", "--resume", run, "--iterations", "4", "--device", "cpu", "--log-every", "1");
        Assert.Equal(3, r.Code);
        string all = r.Out + r.Err;
        Assert.Contains("at iteration 3", r.Err);
        Assert.Equal(1, all.Split("at iteration 3 (Loss_D").Length - 1);
        Assert.DoesNotContain('\n', r.Err.TrimEnd());
    }

    [Fact]
    public void A_non_finite_newest_checkpoint_is_not_resumed_and_the_earlier_good_one_is_named()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "2", "--checkpoint-every", "1", .. Tiny]).Code);
        string first = Path.Combine(run, "checkpoints", Checkpoint.FileName(1));
        string newest = Checkpoint.Resolve(run);
        var c = Checkpoint.Load(newest);
        var tensors = c.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
        var (shape, values) = tensors["D.fc.weight"];
        var poisoned = (float[])values.Clone();
        poisoned[^1] = float.PositiveInfinity;
        tensors["D.fc.weight"] = (shape, poisoned);
        new Checkpoint { State = c.State, Tensors = tensors }.Save(newest);
        byte[] before = File.ReadAllBytes(newest);

        var r = Run("train", "--resume", run, "--iterations", "4", "--device", "cpu");
        Assert.Equal(1, r.Code);
        Assert.Contains($"{newest} holds non-finite values (NaN or infinity, first in D.fc.weight); the newest earlier checkpoint that loads and is finite is {first} (iteration 1): add --resume-previous", r.Err);
        Assert.DoesNotContain('\n', r.Err.TrimEnd());
        Assert.Equal(before, File.ReadAllBytes(newest));

        var named = Run("train", "--resume", newest, "--out", run, "--iterations", "4", "--device", "cpu");
        Assert.Equal(1, named.Code);
        Assert.Contains("holds non-finite values (NaN or infinity, first in D.fc.weight); resume from an earlier checkpoint of its run", named.Err);

        var taken = Run("train", "--resume", run, "--resume-previous", "--iterations", "4", "--device", "cpu");
        Assert.True(taken.Code == 0, taken.Err);
        Assert.Contains($"continuing from {first} (iteration 1)", taken.Out);
    }
}
