using System.Text.Json;
using GpuGan.Cli;
using GpuGan.Tests.Training;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Cli;

/// <summary>A run folder belongs to one run (issue 14): a second run is refused, --force-new clears it, resume keeps it tidy.</summary>
public sealed class RunFolderTests
{
    static readonly string[] Tiny = TinyRun.CliOptions;

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e, CancellationToken.None);
        return (code, o.ToString(), e.ToString());
    }

    static void AssertOneLineError((int Code, string Out, string Err) r, int code, string mustContain)
    {
        Assert.Equal(code, r.Code);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("gpugan: error: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(mustContain, err);
    }

    static long[] MetricIterations(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("iteration").GetInt64()).ToArray();

    [Fact]
    public void A_second_run_into_a_folder_holding_a_run_is_refused_before_any_work()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "reuse");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "6", "--checkpoint-every", "2", "--log-every", "1", .. Tiny]).Code);
        string metricsBefore = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        var checkpointsBefore = Directory.GetFiles(Path.Combine(run, "checkpoints")).Order().ToArray();

        var r = Run(["train", "--data", data, "--loss", "lsgan", "--out", run, "--iterations", "4", "--checkpoint-every", "1", .. Tiny]);
        AssertOneLineError(r, 2, $"train: {run} already holds a run (iteration 6 in checkpoints/); continue it with --resume {run}, start over with --force-new (deletes its checkpoints, samples and metrics), or pick another --out");
        Assert.DoesNotContain("device:", r.Out);   // refused before the device and the data
        Assert.Equal(metricsBefore, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
        Assert.Equal(checkpointsBefore, Directory.GetFiles(Path.Combine(run, "checkpoints")).Order().ToArray());
        Assert.Contains("\"loss\": \"bce\"", File.ReadAllText(Path.Combine(run, "config.json")));

        // Metrics and config without a checkpoint are another run too, but there is nothing to resume.
        string noCheckpoint = TinyRun.TempDir();
        File.WriteAllText(Path.Combine(noCheckpoint, "metrics.jsonl"), "");
        var r2 = Run(["train", "--data", data, "--out", noCheckpoint, "--iterations", "1", .. Tiny]);
        AssertOneLineError(r2, 2, $"train: {noCheckpoint} holds a run that stopped before its first checkpoint (metrics.jsonl, no checkpoint), so there is nothing to resume; start over with --force-new");
        Assert.DoesNotContain("--resume", r2.Err);
    }

    /// <summary>A run killed before its first checkpoint leaves config.json and metrics.jsonl: both commands say what works.</summary>
    [Fact]
    public void A_run_killed_before_its_first_checkpoint_names_force_new_not_resume()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "killed");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "2", "--log-every", "1", .. Tiny]).Code);
        Directory.Delete(Path.Combine(run, "checkpoints"), recursive: true);   // as if killed before the first checkpoint
        string configBefore = File.ReadAllText(Path.Combine(run, "config.json"));

        var again = Run(["train", "--data", data, "--out", run, "--iterations", "1", .. Tiny]);
        AssertOneLineError(again, 2, $"train: {run} holds a run that stopped before its first checkpoint (config.json and metrics.jsonl, no checkpoint), " +
            "so there is nothing to resume; start over with --force-new (deletes its metrics, samples and config), or pick another --out");
        Assert.DoesNotContain("--resume", again.Err);
        Assert.DoesNotContain("device:", again.Out);

        var resume = Run("train", "--resume", run, "--iterations", "3", "--device", "cpu");
        AssertOneLineError(resume, 2, $"train: --resume {run}: the run there stopped before its first checkpoint (config.json and metrics.jsonl, no checkpoint), " +
            $"so there is nothing to resume; start it over with --out {run} --force-new");
        Assert.Equal(configBefore, File.ReadAllText(Path.Combine(run, "config.json")));
        Assert.Equal([1L, 2], MetricIterations(run));

        // What the messages name works.
        var fresh = Run(["train", "--data", data, "--out", run, "--iterations", "1", "--force-new", .. Tiny]);
        Assert.True(fresh.Code == 0, fresh.Err);
        Assert.Equal(1, Checkpoint.Load(Checkpoint.Resolve(run)).State.Iteration);

        // An empty checkpoints/ folder is no checkpoint either.
        Directory.Delete(Path.Combine(run, "checkpoints"), recursive: true);
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));
        AssertOneLineError(Run("train", "--resume", run, "--device", "cpu"), 2, "stopped before its first checkpoint");
    }

    [Fact]
    public void Force_new_clears_exactly_gpugans_outputs()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "reuse");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "6", "--checkpoint-every", "2", "--log-every", "1", .. Tiny]).Code);
        foreach (var f in new[] { "loss.svg", "profile.json", "trace.json" }) File.WriteAllText(Path.Combine(run, f), "x");
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");
        Directory.CreateDirectory(Path.Combine(run, "mine"));
        File.WriteAllText(Path.Combine(run, "mine", "a.txt"), "mine");

        var r = Run(["train", "--data", data, "--loss", "lsgan", "--out", run, "--iterations", "4", "--checkpoint-every", "1", "--log-every", "1", "--force-new", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal([1L, 2, 3, 4], MetricIterations(run));
        Assert.Equal(["checkpoint_00000002.gpugan", "checkpoint_00000003.gpugan", "checkpoint_00000004.gpugan"],
            Directory.GetFiles(Path.Combine(run, "checkpoints")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        Assert.False(File.Exists(Path.Combine(run, "profile.json")));
        Assert.False(File.Exists(Path.Combine(run, "trace.json")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "notes.txt")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "mine", "a.txt")));
        Assert.Equal(GpuGan.Losses.GanLossKind.Lsgan, Checkpoint.Load(Checkpoint.Resolve(run)).State.Options.Loss);

        AssertOneLineError(Run("train", "--resume", run, "--force-new", "--device", "cpu"), 2, "--force-new starts a new run and cannot be combined with --resume");
    }

    [Fact]
    public void An_empty_folder_or_one_without_gpugan_outputs_is_fine()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string empty = TinyRun.TempDir();
        Assert.Equal(0, Run(["train", "--data", data, "--out", empty, "--iterations", "1", .. Tiny]).Code);
        string other = TinyRun.TempDir();
        File.WriteAllText(Path.Combine(other, "readme.txt"), "x");
        Directory.CreateDirectory(Path.Combine(other, "checkpoints"));
        Assert.Equal(0, Run(["train", "--data", data, "--out", other, "--iterations", "1", .. Tiny]).Code);
    }

    [Fact]
    public void Resume_of_a_checkpoint_outside_a_run_folder_needs_out()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "2", .. Tiny]).Code);
        string downloads = Path.Combine(TinyRun.TempDir(), "Downloads");
        Directory.CreateDirectory(downloads);
        string loose = Path.Combine(downloads, "x.gpugan");
        File.Copy(Checkpoint.Resolve(run), loose);

        AssertOneLineError(Run("train", "--resume", loose, "--iterations", "3", "--device", "cpu"), 2,
            $"train: {loose} is not in a run folder's checkpoints/; give --out DIR for the resumed run's folder");
        Assert.Equal(["Downloads"], Directory.GetFileSystemEntries(Path.GetDirectoryName(downloads)!).Select(f => Path.GetFileName(f)!).ToArray());

        string moved = Path.Combine(TinyRun.TempDir(), "moved");
        var r = Run("train", "--resume", loose, "--out", moved, "--iterations", "3", "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(3, Checkpoint.Load(Checkpoint.Resolve(moved)).State.Iteration);
        Assert.Equal(["x.gpugan"], Directory.GetFileSystemEntries(downloads).Select(f => Path.GetFileName(f)!).ToArray());

        // Resumed into another folder that holds a run: refused like a new run.
        AssertOneLineError(Run("train", "--resume", loose, "--out", run, "--iterations", "3", "--device", "cpu"), 2, "already holds a run");
    }

    [Fact]
    public void Resume_cuts_metrics_back_to_the_checkpoint_and_removes_stale_temporary_files()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "6", "--checkpoint-every", "3", "--keep-checkpoints", "5", "--log-every", "1", .. Tiny]).Code);
        Assert.Equal([1L, 2, 3, 4, 5, 6], MetricIterations(run));
        string[] stale =
        [
            Path.Combine(run, "checkpoints", $".{Checkpoint.FileName(9)}.12345.tmp"),
            Path.Combine(run, "samples", ".iter_00000009.png.tmp"),
            Path.Combine(run, ".metrics.jsonl.12345.tmp"),
        ];
        foreach (var f in stale) File.WriteAllText(f, "torn");
        File.WriteAllText(Path.Combine(run, "keep.tmp"), "not ours");

        // From iteration 3: iterations 4-6 are redone, and logged once.
        var r = Run("train", "--resume", Path.Combine(run, "checkpoints", Checkpoint.FileName(3)), "--iterations", "7", "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], MetricIterations(run));
        foreach (var f in stale) Assert.False(File.Exists(f), f);
        Assert.True(File.Exists(Path.Combine(run, "keep.tmp")));
    }

    [Fact]
    public void Config_json_holds_absolute_paths_and_a_relative_data_path_resumes()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        string relativeData = Path.GetRelativePath(Environment.CurrentDirectory, data);
        string relativeRun = Path.GetRelativePath(Environment.CurrentDirectory, run);
        Assert.Equal(0, Run(["train", "--data", relativeData, "--out", relativeRun, "--iterations", "2", .. Tiny]).Code);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))))
        {
            Assert.Equal(Path.GetFullPath(data), config.RootElement.GetProperty("dataPath").GetString());
            Assert.Equal(Path.GetFullPath(run), config.RootElement.GetProperty("outDir").GetString());
        }
        Assert.Equal(Path.GetFullPath(data), Checkpoint.Load(Checkpoint.Resolve(run)).State.Options.DataPath);

        var r = Run("train", "--resume", relativeRun, "--data", relativeData, "--iterations", "3", "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(3, Checkpoint.Load(Checkpoint.Resolve(run)).State.Iteration);
    }

    [Fact]
    public void Init_paths_compare_as_full_paths_on_resume()
    {
        string relative = Path.Combine("weights", "g.safetensors");
        var stored = new TrainOptions { InitG = relative, InitD = Path.GetFullPath("d.safetensors") };
        var cli = new TrainOptions { InitG = Path.GetFullPath(relative), InitD = "d.safetensors" };
        Assert.True(TrainOptionTable.InitG.Same(cli, stored));
        Assert.True(TrainOptionTable.InitD.Same(cli, stored));
        Assert.False(TrainOptionTable.InitG.Same(cli with { InitG = Path.GetFullPath("other.safetensors") }, stored));
        Assert.False(TrainOptionTable.InitG.Same(cli with { InitG = null }, stored));
    }

    [Fact]
    public void Describe_run_names_what_the_folder_holds()
    {
        string dir = TinyRun.TempDir();
        Assert.Null(RunFolder.DescribeRun(Path.Combine(dir, "missing")));
        Assert.Null(RunFolder.DescribeRun(dir));
        Directory.CreateDirectory(Path.Combine(dir, "checkpoints"));
        File.WriteAllText(Path.Combine(dir, "checkpoints", "best.gpugan"), "");
        Assert.Equal("best.gpugan in checkpoints/", RunFolder.DescribeRun(dir));
        Assert.False(RunFolder.HasCheckpoint(dir));
        File.WriteAllText(Path.Combine(dir, "checkpoints", Checkpoint.FileName(30)), "");
        File.WriteAllText(Path.Combine(dir, "checkpoints", Checkpoint.FileName(20)), "");
        Assert.Equal("iteration 30 in checkpoints/", RunFolder.DescribeRun(dir));
        Assert.True(RunFolder.HasCheckpoint(dir));
    }

    /// <summary>
    /// An --out that cannot be a run folder is refused in one line before any work: the data path and the device name
    /// given are both bad, so a check made after loading either would report that instead.
    /// </summary>
    [Fact]
    public void An_out_that_cannot_be_a_folder_is_refused_before_the_device_and_the_data()
    {
        string file = Path.Combine(TinyRun.TempDir(), "x");
        File.WriteAllText(file, "");
        string[] late = ["--data", "/nonexistent/train.idx", "--device", "gpu", "--iterations", "1"];
        var r = Run(["train", "--out", file, .. late]);
        AssertOneLineError(r, 2, $"train: --out {file} is a file; give a folder");
        Assert.Equal("", r.Out);
        r = Run(["train", "--out", Path.Combine(file, "sub"), .. late]);
        AssertOneLineError(r, 2, $"train: --out {Path.Combine(file, "sub")} cannot be created: {file} is a file, not a folder");
        Assert.Equal("", File.ReadAllText(file));
        if (OperatingSystem.IsLinux())   // /proc takes no new files, even for root
            AssertOneLineError(Run(["train", "--out", "/proc/gpugan-run", .. late]), 2, "train: --out /proc/gpugan-run cannot be written: /proc takes no new files");
        // A resumed run's folder is checked too (here: the --out it moves to).
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", TinyRun.WriteIdx(TinyRun.TempDir()), "--out", run, "--iterations", "1", .. Tiny]).Code);
        AssertOneLineError(Run("train", "--resume", run, "--out", file, "--device", "gpu"), 2, $"train: --out {file} is a file; give a folder");
    }
}
