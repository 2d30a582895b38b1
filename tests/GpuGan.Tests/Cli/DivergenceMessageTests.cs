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
        // D's output layer made NaN: the next step's losses are NaN.
        string file = Checkpoint.Resolve(run);
        var c = Checkpoint.Load(file);
        var tensors = c.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
        var (shape, values) = tensors["D.fc.weight"];
        tensors["D.fc.weight"] = (shape, Enumerable.Repeat(float.NaN, values.Length).ToArray());
        new Checkpoint { State = c.State, Tensors = tensors }.Save(file);

        var r = Run("train", "--resume", run, "--iterations", "4", "--device", "cpu");
        Assert.Equal(3, r.Code);
        string all = r.Out + r.Err;
        Assert.Contains("at iteration 3", r.Err);
        Assert.Equal(1, all.Split("at iteration 3 (Loss_D").Length - 1);
        Assert.DoesNotContain('\n', r.Err.TrimEnd());
    }
}
