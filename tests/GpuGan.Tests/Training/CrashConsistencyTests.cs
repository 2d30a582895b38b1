using System.Diagnostics;
using System.Text;
using System.Text.Json;
using GpuGan.Tests.Cli;
using GpuGan.Tests.Kernels;
using GpuGan.Training;
using Xunit;
using Xunit.Abstractions;

namespace GpuGan.Tests.Training;

/// <summary>
/// Crash consistency (issue 14): the built command line trains a tiny model in a child process with a checkpoint
/// every iteration and is killed with SIGKILL at seeded random moments, some of them right as a checkpoint is
/// being written (a <c>.tmp</c> file appears in checkpoints/). After every kill the run folder's latest checkpoint
/// must load, every file under a real checkpoint name must load, and at most one checkpoint interval of what the
/// child had logged may be lost; 'train --resume' then continues it. The finished run's weights must equal those
/// of an uninterrupted run bit for bit. Reproduce a failure with the GPUGAN_TEST_SEED the message names.
/// </summary>
public sealed class CrashConsistencyTests(ITestOutputHelper output)
{
    const int Target = 40;
    const int Trials = 6;
    static readonly TimeSpan ChildLimit = TimeSpan.FromSeconds(30);

    static readonly string[] Tiny = [.. TinyRun.CliOptions, "--threads", "1"];

    static readonly string[] Every =
        ["--checkpoint-every", "1", "--keep-checkpoints", "3", "--log-every", "1", "--sample-every", "1000", "--eval-every", "0"];

    [Fact]
    public void Killed_runs_resume_from_a_loadable_checkpoint_and_end_bit_identical()
    {
        int seed = TestSeed.For(nameof(CrashConsistencyTests));
        string hint = TestSeed.Hint(nameof(CrashConsistencyTests));
        output.WriteLine($"case seed {seed} {hint}");
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();

        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        string reference = Path.Combine(TinyRun.TempDir(), "reference");

        // The uninterrupted run, in-process with the same options.
        var r = CliRun.Run(["train", "--data", data, "--out", reference, "--iterations", $"{Target}", .. Tiny, .. Every]);
        Assert.True(r.Code == 0, r.Err);
        output.WriteLine($"reference run: {clock.Elapsed.TotalSeconds:F1} s");

        long saved = 0;  // the latest checkpoint's iteration before each trial
        int midWrite = 0;
        for (int trial = 0; trial < Trials && saved < Target; trial++)
        {
            string[] args = trial == 0
                ? ["train", "--data", data, "--out", run, "--iterations", $"{Target}", .. Tiny, .. Every]
                : ["train", "--resume", run, "--iterations", $"{Target}", "--device", "cpu", "--threads", "1"];
            // Kill once the child has saved a checkpoint at (or past) a drawn iteration: either after a further drawn
            // delay, or as soon as the next checkpoint's temporary file shows up.
            long killAfter = Math.Min(Target - 1, saved + 1 + random.Next(0, 6));
            bool duringWrite = trial % 2 == 1;
            int delayMs = random.Next(0, 15);
            string how = duringWrite ? "at the next .tmp" : $"+{delayMs} ms";

            using var child = Child.Start(args);
            bool killed = false;
            var limit = Stopwatch.StartNew();
            while (!child.Process.HasExited && LatestSaved(run) < killAfter)
            {
                Assert.True(limit.Elapsed < ChildLimit, $"trial {trial}: the child reached no checkpoint {killAfter} in {ChildLimit.TotalSeconds} s {hint}\n{child.Log}");
                Thread.Sleep(1);
            }
            if (!child.Process.HasExited)
            {
                if (duringWrite)
                {
                    string dir = Path.Combine(run, "checkpoints");
                    string pattern = $".checkpoint_*.{child.Process.Id}.tmp";
                    while (!child.Process.HasExited && !Directory.EnumerateFiles(dir, pattern).Any())
                        Assert.True(limit.Elapsed < ChildLimit, $"trial {trial}: no checkpoint write seen {hint}");
                }
                else if (delayMs > 0) Thread.Sleep(delayMs);
                killed = Kill(child.Process);
            }
            else Assert.True(child.Process.ExitCode == 0, $"trial {trial}: the child exited with {child.Process.ExitCode} {hint}\n{child.Log}");

            bool tmpLeft = Directory.EnumerateFiles(Path.Combine(run, "checkpoints"), $".*.{child.Process.Id}.tmp").Any();
            if (tmpLeft) midWrite++;

            // Every file under a real checkpoint name loads and holds the iteration it is named for.
            foreach (string f in Directory.GetFiles(Path.Combine(run, "checkpoints"), "checkpoint_*.gpugan"))
            {
                Checkpoint c;
                try { c = Checkpoint.Load(f); }
                catch (CheckpointException e) { throw new Xunit.Sdk.XunitException($"trial {trial}: {e.Message} {hint}"); }
                Assert.Equal(Path.GetFileName(f), Checkpoint.FileName(c.State.Iteration));
            }
            var latest = Checkpoint.Load(Checkpoint.Resolve(run));
            long logged = LastLogged(run);
            output.WriteLine($"trial {trial}: kill {how} after checkpoint {killAfter}: {(killed ? "killed" : "finished")}, " +
                $"logged {logged}, latest checkpoint {latest.State.Iteration}{(tmpLeft ? ", .tmp left (killed mid-write)" : "")}, {clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(latest.State.Iteration >= logged - 1,
                $"trial {trial}: the child had logged iteration {logged} but the latest checkpoint is {latest.State.Iteration}: more than one interval lost {hint}");
            Assert.True(latest.State.Iteration >= saved, $"trial {trial}: the latest checkpoint went back from {saved} to {latest.State.Iteration} {hint}");
            saved = latest.State.Iteration;
        }

        if (saved < Target)
        {
            using var last = Child.Start(["train", "--resume", run, "--iterations", $"{Target}", "--device", "cpu", "--threads", "1"]);
            Assert.True(last.Process.WaitForExit(ChildLimit), $"the last resume did not finish in {ChildLimit.TotalSeconds} s {hint}");
            last.Process.WaitForExit();
            Assert.True(last.Process.ExitCode == 0, $"the last resume exited with {last.Process.ExitCode} {hint}\n{last.Log}");
        }
        output.WriteLine($"{midWrite} of {Trials} kills left a .tmp file; total {clock.Elapsed.TotalSeconds:F1} s");

        var expect = Checkpoint.Load(Checkpoint.Resolve(reference));
        var actual = Checkpoint.Load(Checkpoint.Resolve(run));
        Assert.Equal(Target, expect.State.Iteration);
        Assert.Equal(Target, actual.State.Iteration);
        Assert.Equal(expect.Tensors.Keys.Order(StringComparer.Ordinal), actual.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, (shape, values)) in expect.Tensors)
        {
            var (shape2, values2) = actual.Tensors[name];
            Assert.Equal(shape, shape2);
            for (int i = 0; i < values.Length; i++)
                if (BitConverter.SingleToInt32Bits(values[i]) != BitConverter.SingleToInt32Bits(values2[i]))
                    Assert.Fail($"{name}[{i}]: {values2[i]:R} after the kills, {values[i]:R} uninterrupted {hint}");
        }
    }

    /// <summary>The iteration of the newest checkpoint_*.gpugan (by name), or -1.</summary>
    static long LatestSaved(string run)
    {
        string dir = Path.Combine(run, "checkpoints");
        if (!Directory.Exists(dir)) return -1;
        long latest = -1;
        foreach (string f in Directory.EnumerateFiles(dir, "checkpoint_*.gpugan"))
            if (long.TryParse(Path.GetFileNameWithoutExtension(f)["checkpoint_".Length..], out long i)) latest = Math.Max(latest, i);
        return latest;
    }

    /// <summary>The highest iteration of a whole line in metrics.jsonl (a torn last line is skipped), or 0.</summary>
    static long LastLogged(string run)
    {
        string path = Path.Combine(run, RunFolder.MetricsFileName);
        if (!File.Exists(path)) return 0;
        long last = 0;
        foreach (string line in File.ReadAllLines(path))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                last = Math.Max(last, doc.RootElement.GetProperty("iteration").GetInt64());
            }
            catch (JsonException) { }
        }
        return last;
    }

    /// <summary>SIGKILL on Linux; false when the child had already exited.</summary>
    static bool Kill(Process p)
    {
        try { p.Kill(); }
        catch (InvalidOperationException) { return false; }
        p.WaitForExit();
        return p.ExitCode != 0;
    }

    /// <summary>'dotnet GpuGan.Cli.dll ARGS' with its output gathered (and drained, so that it never blocks).</summary>
    sealed class Child : IDisposable
    {
        readonly StringBuilder log = new();
        public required Process Process { get; init; }
        public string Log { get { lock (log) return log.ToString(); } }

        public static Child Start(string[] args)
        {
            string dll = typeof(GpuGan.Cli.Program).Assembly.Location;
            var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(dll);
            foreach (string a in args) psi.ArgumentList.Add(a);
            var child = new Child { Process = Process.Start(psi)! };
            child.Process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (child.log) child.log.AppendLine(e.Data); };
            child.Process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (child.log) child.log.AppendLine(e.Data); };
            child.Process.BeginOutputReadLine();
            child.Process.BeginErrorReadLine();
            return child;
        }

        public void Dispose()
        {
            try { if (!Process.HasExited) Process.Kill(); } catch (InvalidOperationException) { }
            Process.Dispose();
        }
    }
}
