using System.Text.Json;
using GpuGan.Device;
using GpuGan.Profiling;
using GpuGan.Tests.Training;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Profiling;

public sealed class ProfilerTests
{
    /// <summary>Counts what the dispatch reports, independently of StepProfiler.</summary>
    sealed class CountingProfiler : IKernelProfiler
    {
        public int Kernels, Hosts, Sections, Open;
        public readonly Dictionary<string, int> ByName = new();
        public void Begin(string kernel) { Kernels++; Open++; ByName[kernel] = ByName.GetValueOrDefault(kernel) + 1; }
        public void End(string kernel, double flops, double bytes) => Open--;
        public void BeginSection(string section) => Sections++;
        public void EndSection() { }
        public void BeginHost(string span) => Hosts++;
        public void EndHost(string span) { }
    }

    [Fact]
    public void Every_launch_and_host_span_of_a_step_appears_in_the_table_and_the_trace()
    {
        using var dev = ComputeDevice.CreateCpu(profiling: true);
        using var t = new GanTrainer(dev, TinyRun.Options(TinyRun.TempDir(), 10), TinyRun.Data());
        t.Step(); // compile the kernels outside the measurement

        // A logging step's work: the step, then the read of its losses (a host span).
        var counter = new CountingProfiler();
        dev.Profiler = counter;
        t.Step();
        t.ReadLossStats();
        dev.Profiler = null;
        Assert.Equal(0, counter.Open);
        Assert.True(counter.Kernels > 50, $"only {counter.Kernels} launches counted");

        var profiler = new StepProfiler(dev);
        dev.Profiler = profiler;
        profiler.BeginStep();
        t.Step();
        t.ReadLossStats();
        profiler.EndStep();
        dev.Profiler = null;

        var report = ProfileReport.Build(profiler, dev.ToString());
        Assert.Equal(counter.Kernels, report.Kernels.Sum(r => r.Count));
        Assert.Equal(counter.Hosts, report.HostSpans.Sum(r => r.Count));
        foreach (var (name, n) in counter.ByName)
            Assert.Equal(n, report.Kernels.Single(r => r.Name == name).Count);
        Assert.Contains(report.HostSpans, r => r.Name == "copy.loss_stats_to_host");
        Assert.Contains(report.Sections, r => r.Name == "data.gather");
        Assert.Contains(report.Sections, r => r.Name == "D.conv2.backward");
        Assert.Contains(report.Sections, r => r.Name == "optimizer.G.adam");
        Assert.All(report.Kernels, r => Assert.True(r.TotalMs >= 0 && r.MedianMs >= 0));
        Assert.Contains(report.Kernels, r => r.GflopPerS > 0);
        Assert.InRange(report.Coverage, 0.05, 1.2);

        string path = Path.Combine(TinyRun.TempDir(), "trace.json");
        ChromeTrace.Save(path, profiler.Events, dev.ToString());
        var events = ValidateTraceEventFormat(path);
        Assert.Equal(counter.Kernels, events.Count(e => e.GetProperty("cat").GetString() == "kernel"));
        Assert.Equal(counter.Hosts, events.Count(e => e.GetProperty("cat").GetString() == "host"));
        Assert.Equal(counter.Sections, events.Count(e => e.GetProperty("cat").GetString() == "section"));
    }

    /// <summary>
    /// Checks the Trace Event Format as chrome://tracing reads it: an object with a traceEvents array; complete
    /// events have name, cat, ph "X", numeric ts and dur >= 0, integer pid and tid; metadata events ph "M".
    /// Returns the complete events.
    /// </summary>
    static List<JsonElement> ValidateTraceEventFormat(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var list = root.GetProperty("traceEvents");
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        var complete = new List<JsonElement>();
        foreach (var e in list.EnumerateArray())
        {
            string ph = e.GetProperty("ph").GetString()!;
            Assert.True(e.GetProperty("pid").TryGetInt32(out _));
            Assert.True(e.GetProperty("tid").TryGetInt32(out _));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("name").GetString()));
            if (ph == "M")
            {
                Assert.Equal(JsonValueKind.Object, e.GetProperty("args").ValueKind);
                continue;
            }
            Assert.Equal("X", ph);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("ts").ValueKind);
            Assert.True(e.GetProperty("dur").GetDouble() >= 0);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("cat").GetString()));
            complete.Add(e.Clone());
        }
        return complete;
    }

    [Fact]
    public void Profile_command_prints_the_table_and_writes_json_and_trace()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string outDir = TinyRun.TempDir();
        var o = new StringWriter();
        var e = new StringWriter();
        int code = GpuGan.Cli.Program.Run(["profile", "--iterations", "2", "--warmup", "1", "--data", data, "--out", outDir, "--device", "cpu",
            "--image-size", "8", "--g-width", "4", "--d-width", "4", "--latent", "8", "--batch-size", "8"], o, e, CancellationToken.None);
        Assert.True(code == 0, e.ToString());
        Assert.Contains("Conv2d.Forward:HostGemm", o.ToString());
        Assert.Contains("D.conv2.backward", o.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "profile.json")));
        Assert.Equal(2, json.RootElement.GetProperty("steps").GetInt32());
        Assert.NotEmpty(ValidateTraceEventFormat(Path.Combine(outDir, "trace.json")));
    }
}
