using GpuGan.Check;
using GpuGan.Device;
using GpuGan.Tests.Kernels;
using GpuGan.Training;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Training;

/// <summary>A short training run on the test device (GPUGAN_TEST_DEVICE, default the CPU), twice: it trains and repeats bit for bit.</summary>
[Collection(TestDeviceCollection.Name)]
public sealed class TestDeviceTrainingTests(TestDeviceFixture fixture, ITestOutputHelper output)
{
    const int Iterations = 6;

    (MetricsRecord[] History, float[][] Weights) Train()
    {
        using var trainer = new GanTrainer(fixture.Device, TinyRun.Options(TinyRun.TempDir(), Iterations), TinyRun.Data());
        var result = trainer.Run(CancellationToken.None);
        Assert.Equal(TrainOutcome.Completed, result.Outcome);
        return (trainer.History.ToArray(), TrainerTests.Snapshot(trainer));
    }

    [Fact]
    public void Short_run_trains_and_two_identical_runs_give_identical_losses_and_weights()
    {
        var dev = fixture.Device;
        output.WriteLine($"training on {dev}, {DeviceSummary.Kernels(dev)}");
        float[][] initial;
        using (var fresh = new GanTrainer(dev, TinyRun.Options(TinyRun.TempDir(), Iterations), TinyRun.Data()))
            initial = TrainerTests.Snapshot(fresh);

        var a = Train();
        var b = Train();
        Assert.Equal(Iterations, a.History.Length);
        foreach (var r in a.History)
        {
            output.WriteLine($"[{r.Iteration}] Loss_D {r.LossD:R} Loss_G {r.LossG:R} D(x) {r.DOfX:R}");
            Assert.True(float.IsFinite(r.LossD) && r.LossD > 0 && float.IsFinite(r.LossG) && r.LossG > 0, $"losses {r.LossD}, {r.LossG}");
            Assert.InRange(r.DOfX, 0f, 1f);
        }
        Assert.False(initial[0].AsSpan().SequenceEqual(a.Weights[0]), "training left G's first weights as initialised");

        // Same seed, same data, same device: the same bits, losses and every weight and running statistic.
        Assert.Equal(a.History.Select(r => (r.LossD, r.LossG, r.DOfX, r.DOfGzBeforeD, r.DOfGzAfterD)),
            b.History.Select(r => (r.LossD, r.LossG, r.DOfX, r.DOfGzBeforeD, r.DOfGzAfterD)));
        Assert.Equal(a.Weights.Length, b.Weights.Length);
        for (int i = 0; i < a.Weights.Length; i++)
            Assert.True(a.Weights[i].AsSpan().SequenceEqual(b.Weights[i]), $"tensor {i} differs between identical runs on {dev}");
        if (dev.Kind == DeviceKind.Cpu) Assert.True(dev.UsesHostKernels);
    }
}
