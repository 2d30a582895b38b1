using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Tests.Kernels;
using GpuGan.Training;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Training;

/// <summary>
/// Issue 10's budget for one training iteration of the default DCGAN (one D update, one G update): at most
/// <see cref="Budget"/> kernel launches, and no wait for the device (no copy in or out, no synchronize) outside the
/// logging, checkpoint and sample steps, on both ILGPU kernel families. The losses are read once per logging interval.
/// </summary>
[Collection(GpuFamilyCollection.Name)]
public sealed class LaunchBudgetTests(GpuFamilyOnCpuFixture gpu, ITestOutputHelper output)
{
    public const int Budget = 90;

    sealed class Counter : IKernelProfiler
    {
        public int Launches;
        public readonly SortedDictionary<string, int> ByName = new(StringComparer.Ordinal);
        public readonly List<string> HostSpans = [];
        public void Begin(string kernel) { Launches++; ByName[kernel] = ByName.GetValueOrDefault(kernel) + 1; }
        public void End(string kernel, double flops, double bytes) { }
        public void BeginHost(string span) => HostSpans.Add(span);
    }

    void CheckStep(ComputeDevice dev, GanTrainer t)
    {
        t.Step();   // compiles the kernels and uploads the epoch's order
        t.Step();
        var counter = new Counter();
        long syncs = dev.Synchronizations;
        dev.Profiler = counter;
        try { t.Step(); }
        finally { dev.Profiler = null; }
        syncs = dev.Synchronizations - syncs;
        output.WriteLine($"{dev.Variant} family: {counter.Launches} launches, {syncs} synchronizations, host spans [{string.Join(", ", counter.HostSpans)}]");
        foreach (var (name, n) in counter.ByName) output.WriteLine($"  {n,3}  {name}");
        Assert.True(counter.Launches <= Budget, $"{counter.Launches} launches in one iteration, over the budget of {Budget}");
        Assert.Equal(0, syncs);
        Assert.Empty(counter.HostSpans);
    }

    [Fact]
    public void An_iteration_of_the_default_dcgan_on_the_cpu_family_keeps_the_budget()
    {
        using var dev = ComputeDevice.CreateCpu(cpuKernels: CpuKernelVariant.Ilgpu);
        // The default model at its default sizes; the batch does not change what is launched on this family.
        var options = new TrainOptions { OutDir = TinyRun.TempDir(), Iterations = 10, BatchSize = 4, Seed = 5, EvalEvery = 0 };
        using var t = new GanTrainer(dev, options, DatasetLoader.LoadEmbedded());
        Assert.Equal("dcgan28", t.Model.Name);
        CheckStep(dev, t);
    }

    [Fact]
    public void An_iteration_of_the_default_dcgans_layers_on_the_gpu_family_keeps_the_budget()
    {
        // dcgan28's layers at TinyRun's widths (the simulated GPU runs barriers on OS threads: slow at full size).
        using var t = new GanTrainer(gpu.Device, TinyRun.Options(TinyRun.TempDir(), 10) with { EvalEvery = 0 }, TinyRun.Data());
        Assert.Equal("dcgan28", t.Model.Name);
        CheckStep(gpu.Device, t);
    }

    [Fact]
    public void The_losses_are_read_once_per_logging_interval()
    {
        using var dev = ComputeDevice.CreateCpu(cpuKernels: CpuKernelVariant.Ilgpu);
        var options = TinyRun.Options(TinyRun.TempDir(), 12) with { LogEvery = 4, EvalEvery = 0 };
        using var t = new GanTrainer(dev, options, TinyRun.Data());
        var counter = new Counter();
        dev.Profiler = counter;
        try { Assert.Equal(TrainOutcome.Completed, t.Run(CancellationToken.None).Outcome); }
        finally { dev.Profiler = null; }
        Assert.Equal(3, counter.HostSpans.Count(s => s == "copy.loss_stats_to_host"));
        Assert.Equal(3, counter.HostSpans.Count(s => s == "finite.read"));
    }
}
