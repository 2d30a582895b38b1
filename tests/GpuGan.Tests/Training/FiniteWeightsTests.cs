using GpuGan.Device;
using GpuGan.Training;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Training;

/// <summary>
/// The finite-weights flag (issue 14): non-finite weights, BatchNorm statistics or Adam moments stop the run like a
/// non-finite loss, and no checkpoint holding them is written.
/// </summary>
public class FiniteWeightsTests(ITestOutputHelper output)
{
    /// <summary>A finished 2-iteration run whose checkpoint then has one tensor element replaced (saved again, CRC recomputed).</summary>
    static (string Dir, string Crafted) CraftedRun(TrainOptions o, Func<string, bool> pick, float value)
    {
        using var dev = ComputeDevice.CreateCpu();
        using (var t = new GanTrainer(dev, o, TinyRun.Data())) t.Run(CancellationToken.None);
        string path = Checkpoint.Resolve(o.OutDir);
        var c = Checkpoint.Load(path);
        string name = c.Tensors.Keys.First(pick);
        var tensors = c.Tensors.ToDictionary(kv => kv.Key, kv => (kv.Value.Shape, (float[])kv.Value.Data.Clone()));
        tensors[name].Item2[0] = value;
        new Checkpoint { State = c.State, Tensors = tensors }.Save(path);
        Assert.Equal(value, Checkpoint.Load(path).Tensors[name].Data[0]);
        return (o.OutDir, path);
    }

    TrainResult Resume(TrainOptions o, string crafted)
    {
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, o, TinyRun.Data(), Checkpoint.Load(crafted));
        var r = t.Run(CancellationToken.None);
        output.WriteLine(r.Message);
        return r;
    }

    static void AssertEveryCheckpointFiniteExcept(string dir, string crafted)
    {
        foreach (var f in Directory.GetFiles(Path.Combine(dir, "checkpoints"), "*.gpugan"))
        {
            if (f == crafted) continue;
            foreach (var (name, (_, data)) in Checkpoint.Load(f).Tensors)
                Assert.True(data.All(float.IsFinite), $"{f}: {name} holds non-finite values");
        }
    }

    [Fact]
    public void NaN_running_statistic_of_G_stops_the_run_at_the_next_log_step_without_writing_a_checkpoint()
    {
        var o = TinyRun.Options(TinyRun.TempDir(), 2) with { CheckpointEvery = 2 };
        var (dir, crafted) = CraftedRun(o, n => n.Contains("running_var") && !n.StartsWith("optG") && !n.StartsWith("optD"), float.NaN);
        byte[] before = File.ReadAllBytes(crafted);
        // G's running statistics are used only in evaluation mode: no loss becomes NaN, only the flag sees it.
        var result = Resume(o with { Iterations = 12, LogEvery = 5, CheckpointEvery = 5 }, crafted);

        Assert.Equal(TrainOutcome.Diverged, result.Outcome);
        Assert.Equal(5, result.Iteration);
        Assert.Contains("non-finite values (NaN or infinity) in the weights, BatchNorm statistics or Adam moments of", result.Message);
        Assert.Contains("detected at iteration 5; checked every --log-every (5) iterations and at checkpoints, so the first non-finite step was at most 2 iterations earlier", result.Message);
        Assert.Contains("no checkpoint had been written by this run", result.Message);
        Assert.Null(result.LastCheckpoint);
        Assert.Equal(crafted, Checkpoint.Resolve(dir));
        Assert.Equal(before, File.ReadAllBytes(crafted));
        AssertEveryCheckpointFiniteExcept(dir, crafted);
    }

    [Fact]
    public void Names_the_network_and_the_last_good_checkpoint_written_before_the_flag_tripped()
    {
        var o = TinyRun.Options(TinyRun.TempDir(), 2) with { CheckpointEvery = 2 };
        var (dir, crafted) = CraftedRun(o, _ => true, 0f);   // a finite start
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, o with { Iterations = 20, LogEvery = 4, CheckpointEvery = 4 }, TinyRun.Data(), Checkpoint.Load(crafted));
        // At iteration 5 a running statistic of G goes NaN (as a bad update would).
        t.OnIteration = i =>
        {
            if (i != 5) return;
            var bn = GpuGan.Training.CheckpointStore.Tensors(t.G).First(x => x.Name.Contains("running_var")).Value;
            var v = bn.ToArray();
            v[0] = float.NaN;
            bn.CopyFrom(v);
        };
        var result = t.Run(CancellationToken.None);
        Assert.Equal(TrainOutcome.Diverged, result.Outcome);
        Assert.Equal(8, result.Iteration);
        Assert.Contains("Adam moments of G: detected at iteration 8", result.Message);
        Assert.Contains("at most 3 iterations earlier", result.Message);
        string good = Path.Combine(dir, "checkpoints", Checkpoint.FileName(4));
        Assert.Equal(good, result.LastCheckpoint);
        Assert.EndsWith($"last good checkpoint: {good}", result.Message);
        Assert.False(File.Exists(Path.Combine(dir, "checkpoints", Checkpoint.FileName(8))));
        AssertEveryCheckpointFiniteExcept(dir, crafted);
    }

    [Fact]
    public void Huge_weight_resumed_stops_the_run_and_no_checkpoint_holds_non_finite_values()
    {
        var o = TinyRun.Options(TinyRun.TempDir(), 2) with { CheckpointEvery = 2 };
        var (dir, crafted) = CraftedRun(o, n => n.EndsWith("weight") && !n.StartsWith("opt"), 3e38f);
        var result = Resume(o with { Iterations = 50, LogEvery = 10, CheckpointEvery = 10 }, crafted);
        Assert.Equal(TrainOutcome.Diverged, result.Outcome);
        Assert.True(result.Iteration < 50, result.Message);
        AssertEveryCheckpointFiniteExcept(dir, crafted);
    }

    [Fact]
    public void Negative_Adam_moment_stops_the_run_and_the_named_checkpoint_is_finite()
    {
        var o = TinyRun.Options(TinyRun.TempDir(), 2) with { CheckpointEvery = 2 };
        var (dir, crafted) = CraftedRun(o, n => n.EndsWith("exp_avg_sq"), -1f);
        var result = Resume(o with { Iterations = 50, LogEvery = 10, CheckpointEvery = 10 }, crafted);
        Assert.Equal(TrainOutcome.Diverged, result.Outcome);
        if (result.LastCheckpoint != null)
            foreach (var (name, (_, data)) in Checkpoint.Load(result.LastCheckpoint).Tensors)
                Assert.True(data.All(float.IsFinite), $"{result.LastCheckpoint}: {name}");
        AssertEveryCheckpointFiniteExcept(dir, crafted);
    }
}
