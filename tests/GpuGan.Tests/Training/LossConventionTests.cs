using System.Text.Json;
using GpuGan.Cli;
using GpuGan.Device;
using GpuGan.Losses;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Training;

/// <summary>
/// Checkpoints record the loss convention (TrainState.LossConvention): LSGAN's term became PyTorch's MSELoss
/// (l-t)², twice the gradient of the earlier ½(l-t)², so an LSGAN run written before cannot be continued.
/// </summary>
public sealed class LossConventionTests
{
    const string Refusal = "was trained with LSGAN's old ½(l-t)² loss; GpuGan now uses PyTorch's MSELoss (l-t)² (twice the gradient): start a new run";

    /// <summary>Rewrites a checkpoint as GpuGan wrote it before the field existed: its state without "lossConvention".</summary>
    static void MakeOld(string file)
    {
        var c = Checkpoint.Load(file);
        Assert.Equal(GanLoss.Convention, c.State.LossConvention);
        var json = JsonSerializer.SerializeToNode(c.State, Checkpoint.Json)!.AsObject();
        Assert.True(json.Remove("lossConvention"));
        var old = JsonSerializer.Deserialize<TrainState>(json.ToJsonString(), Checkpoint.Json)!;
        Assert.Equal(0, old.LossConvention);
        new Checkpoint { State = old, Tensors = c.Tensors }.Save(file);
        Assert.Equal(0, Checkpoint.Load(file).State.LossConvention);
    }

    [Fact]
    public void New_checkpoints_record_the_convention()
    {
        string run = TinyRun.TempDir();
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, TinyRun.Options(run, 1), TinyRun.Data());
        t.Run(CancellationToken.None);
        Assert.Equal(1, Checkpoint.Load(Checkpoint.Resolve(run)).State.LossConvention);
        Assert.Contains("\"lossConvention\": 1", JsonSerializer.Serialize(Checkpoint.Load(Checkpoint.Resolve(run)).State, Checkpoint.Json));
    }

    [Fact]
    public void An_old_lsgan_checkpoint_is_refused_in_one_line()
    {
        var data = TinyRun.Data();
        string run = TinyRun.TempDir();
        var options = TinyRun.Options(run, 2) with { Loss = GanLossKind.Lsgan };
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options, data))
            t.Run(CancellationToken.None);
        string file = Checkpoint.Resolve(run);
        // A checkpoint of the new convention resumes.
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options with { Iterations = 3 }, data, Checkpoint.Load(file)))
            Assert.Equal(2, t.Iteration);

        MakeOld(file);
        using (var dev = ComputeDevice.CreateCpu())
        {
            var e = Assert.Throws<CheckpointException>(() => new GanTrainer(dev, options with { Iterations = 3 }, data, Checkpoint.Load(file)));
            Assert.Equal("checkpoint at iteration 2 " + Refusal, e.Message);
        }

        // The command line: one line, exit code 1, nothing trained.
        var o = new StringWriter();
        var err = new StringWriter();
        string idx = TinyRun.WriteIdx(TinyRun.TempDir());
        string cliRun = Path.Combine(TinyRun.TempDir(), "run");
        string[] tiny = ["--image-size", "8", "--g-width", "4", "--d-width", "4", "--latent", "8", "--batch-size", "8", "--device", "cpu"];
        Assert.Equal(0, Program.Run(["train", "--data", idx, "--out", cliRun, "--loss", "lsgan", "--iterations", "1", .. tiny], o, new StringWriter(), CancellationToken.None));
        string cliFile = Checkpoint.Resolve(cliRun);
        MakeOld(cliFile);
        int code = Program.Run(["train", "--resume", cliRun, "--iterations", "2", "--device", "cpu"], o, err, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Equal("gpugan: error: checkpoint at iteration 1 " + Refusal, err.ToString().TrimEnd());
        Assert.Equal(cliFile, Checkpoint.Resolve(cliRun));
        Assert.Equal(1, Checkpoint.Load(cliFile).State.Iteration);
    }

    [Fact]
    public void Old_checkpoints_of_other_losses_still_resume_bit_exactly()
    {
        var data = TinyRun.Data();
        string full = TinyRun.TempDir(), half = TinyRun.TempDir();
        float[][] uninterrupted, resumed;
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(full, 4), data))
        {
            t.Run(CancellationToken.None);
            uninterrupted = TrainerTests.Snapshot(t);
        }
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(half, 2), data))
            t.Run(CancellationToken.None);
        string file = Checkpoint.Resolve(half);
        MakeOld(file);
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(half, 4), data, Checkpoint.Load(file)))
        {
            Assert.Equal(2, t.Iteration);
            t.Run(CancellationToken.None);
            resumed = TrainerTests.Snapshot(t);
        }
        for (int i = 0; i < resumed.Length; i++)
            Assert.True(uninterrupted[i].AsSpan().SequenceEqual(resumed[i]), $"tensor {i} differs after resume");
        // What it writes next carries the convention.
        Assert.Equal(GanLoss.Convention, Checkpoint.Load(Checkpoint.Resolve(half)).State.LossConvention);
    }

    [Fact]
    public void A_checkpoint_of_a_later_convention_is_refused()
    {
        string run = TinyRun.TempDir();
        var data = TinyRun.Data();
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, TinyRun.Options(run, 1), data))
            t.Run(CancellationToken.None);
        string file = Checkpoint.Resolve(run);
        var c = Checkpoint.Load(file);
        new Checkpoint { State = c.State with { LossConvention = GanLoss.Convention + 1 }, Tensors = c.Tensors }.Save(file);
        using var dev2 = ComputeDevice.CreateCpu();
        var e = Assert.Throws<CheckpointException>(() => new GanTrainer(dev2, TinyRun.Options(run, 2), data, Checkpoint.Load(file)));
        Assert.Equal($"checkpoint at iteration 1 uses loss convention {GanLoss.Convention + 1}, this GpuGan knows {GanLoss.Convention}: resume it with a newer GpuGan", e.Message);
    }
}
