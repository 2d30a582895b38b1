using System.Text.Json;
using GpuGan.Device;
using GpuGan.Models;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Training;

/// <summary>Evaluation during training on the 28x28 DCGAN (narrow, so steps are cheap) with the embedded digits.</summary>
public sealed class QualityEvaluationTests
{
    internal static TrainOptions Small(string dir, long iterations) => new()
    {
        Model = ModelCatalog.Default.Defaults with { GeneratorWidth = 8, DiscriminatorWidth = 8, LatentSize = 16 },
        OutDir = dir, Iterations = iterations, BatchSize = 16, Seed = 3, CheckpointEvery = 1000, SampleEvery = 1000, LogEvery = 1000,
        EvalEvery = 2, EvalCount = 40,
    };

    [Fact]
    public void Evaluations_are_logged_and_the_best_checkpoint_kept()
    {
        string dir = TinyRun.TempDir();
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, Small(dir, 4) with { Ema = 0.9f }, GpuGan.Data.DatasetLoader.LoadEmbedded());
        var result = t.Run(CancellationToken.None);
        Assert.Equal(TrainOutcome.Completed, result.Outcome);
        var lines = File.ReadAllLines(Path.Combine(dir, "metrics.jsonl"));
        // LogEvery is 1000: the only lines are the evaluations at 2 and 4 (the last is also the final one)
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal(2, doc.RootElement.GetProperty("iteration").GetInt64());
        var q = doc.RootElement.GetProperty("quality");
        Assert.Equal(40, q.GetProperty("samples").GetInt32());
        Assert.Equal(1000, q.GetProperty("real_samples").GetInt32());
        Assert.True(q.GetProperty("fid").GetDouble() > 0);
        var qe = doc.RootElement.GetProperty("quality_ema");
        Assert.NotEqual(q.GetProperty("fid").GetDouble(), qe.GetProperty("fid").GetDouble());
        // the best checkpoint holds the iteration with the lowest G_ema FID
        var fids = t.History.Where(h => h.QualityEma != null).Select(h => (h.Iteration, h.QualityEma!.Fid)).ToList();
        Assert.Equal(2, fids.Count);
        var best = fids.MinBy(f => f.Fid);
        var saved = Checkpoint.Load(Path.Combine(dir, "checkpoints", CheckpointStore.BestFileName));
        Assert.Equal(best.Iteration, saved.State.Iteration);
        Assert.Equal(best.Fid, saved.State.BestFid);
        Assert.Equal((best.Fid, best.Iteration), t.Best);
        // the latest checkpoint, not best.gpugan, is what resume and sample pick in a run folder
        Assert.EndsWith(Checkpoint.FileName(4), Checkpoint.Resolve(dir));
    }

    [Fact]
    public void Evaluation_is_repeatable_for_the_same_weights()
    {
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, Small(TinyRun.TempDir(), 4), GpuGan.Data.DatasetLoader.LoadEmbedded());
        t.Step();
        var a = t.Evaluate().G;
        var b = t.Evaluate().G;
        Assert.Equal(a.Fid, b.Fid);
        Assert.Equal(a.PrecisionRecall, b.PrecisionRecall);
        Assert.Null(t.Evaluate().Ema);
    }

    [Fact]
    public void Target_fid_stops_the_run_with_samples_and_a_checkpoint()
    {
        string dir = TinyRun.TempDir();
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, Small(dir, 50) with { TargetFid = 1e6 }, GpuGan.Data.DatasetLoader.LoadEmbedded());
        var result = t.Run(CancellationToken.None);
        Assert.Equal(TrainOutcome.TargetReached, result.Outcome);
        Assert.Equal(2, result.Iteration);                 // the first evaluation already meets a generous target
        Assert.Contains("reached FID", result.Message);
        Assert.True(File.Exists(Path.Combine(dir, "samples", "final.png")));
        Assert.EndsWith(Checkpoint.FileName(2), result.LastCheckpoint);
    }

    [Fact]
    public void A_target_that_is_never_met_runs_to_the_budget()
    {
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, Small(TinyRun.TempDir(), 4) with { TargetFid = 1e-9 }, GpuGan.Data.DatasetLoader.LoadEmbedded());
        Assert.Equal(TrainOutcome.Completed, t.Run(CancellationToken.None).Outcome);
        Assert.Equal(4, t.Iteration);
    }

    [Fact]
    public void Evaluation_options_are_checked()
    {
        var tiny = TinyRun.Options(TinyRun.TempDir(), 2);
        Assert.Equal(0, tiny.EffectiveEvalEvery);                               // 8x8 images: off by default
        Assert.Equal(TrainOptions.DefaultEvalEvery, new TrainOptions().EffectiveEvalEvery);
        var e = Assert.Throws<TrainOptionException>(() => (tiny with { EvalEvery = 5 }).Validate());
        Assert.Contains("1-channel images of at least 28x28", e.Message);
        e = Assert.Throws<TrainOptionException>(() => (tiny with { TargetFid = 10 }).Validate());
        Assert.Contains("TargetFid", e.Message);
        e = Assert.Throws<TrainOptionException>(() => (new TrainOptions { EvalEvery = 0, TargetFid = 10 }).Validate());
        Assert.Contains("EvalEvery", e.Message);
    }
}
