using GpuGan.Data;
using GpuGan.Options;
using GpuGan.Tests.Training;
using GpuGan.Text;
using Xunit;
using static GpuGan.Tests.Cli.CliRun;

namespace GpuGan.Tests.Cli;

/// <summary>What a new user hits first (issue 14): image formats, --threads, --device gpu, -h, profile folders, plurals.</summary>
public sealed class RoughEdgesTests
{
    static readonly string[] Tiny = TinyRun.CliOptions;

    static void AssertOneLineError((int Code, string Out, string Err) r, int code, string mustContain)
    {
        Assert.True(code == r.Code, $"exit {r.Code}: {r.Err}");
        string err = r.Err.TrimEnd();
        Assert.StartsWith("gpugan: error: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(mustContain, err);
    }

    static string TrainedRun()
    {
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var r = Run(["train", "--data", TinyRun.WriteIdx(TinyRun.TempDir()), "--out", run, "--iterations", "1", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        return run;
    }

    static void AssertNoTemp(string dir) =>
        Assert.Empty(Directory.EnumerateFiles(dir, "*.tmp", SearchOption.AllDirectories));

    [Fact]
    public void Sample_writes_the_format_its_extension_names_and_leaves_no_temp()
    {
        string run = TrainedRun();
        string dir = TinyRun.TempDir();
        (string File, byte[] Magic)[] cases =
        [
            ("grid.jpg", [0xFF, 0xD8, 0xFF]), ("grid.JPEG", [0xFF, 0xD8, 0xFF]), ("grid.bmp", "BM"u8.ToArray()),
            ("grid.png", [0x89, (byte)'P', (byte)'N', (byte)'G']),
        ];
        foreach (var (file, magic) in cases)
        {
            string path = Path.Combine(dir, file);
            var r = Run("sample", "--checkpoint", run, "--count", "4", "--out", path, "--device", "cpu");
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal(magic, File.ReadAllBytes(path)[..magic.Length]);
            using var image = SixLabors.ImageSharp.Image.Load(path);
            Assert.Equal(4 * 10 + 2, image.Width);
        }
        AssertNoTemp(dir);
    }

    [Theory]
    [InlineData("grid.gif", "cannot write '.gif' images (expected .png, .jpg, .jpeg or .bmp)")]
    [InlineData("grid", "has no extension")]
    public void Sample_refuses_an_unknown_format_before_loading_anything(string file, string message)
    {
        string dir = TinyRun.TempDir();
        // The checkpoint does not exist: the --out error comes first, so it is checked before any loading.
        var r = Run("sample", "--checkpoint", "/nonexistent/run", "--out", Path.Combine(dir, file), "--device", "cpu");
        AssertOneLineError(r, 2, message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void Sample_into_an_existing_folder_is_one_line_and_leaves_nothing()
    {
        string run = TrainedRun();
        string parent = TinyRun.TempDir();
        string folder = Path.Combine(parent, "grids");
        Directory.CreateDirectory(folder);
        AssertOneLineError(Run("sample", "--checkpoint", run, "--out", folder, "--device", "cpu"), 2, "is a folder; give a file name such as");
        // A folder named like an image is still a folder.
        string pngFolder = Path.Combine(parent, "x.png");
        Directory.CreateDirectory(pngFolder);
        AssertOneLineError(Run("sample", "--checkpoint", run, "--out", pngFolder, "--device", "cpu"), 2, "is a folder");
        Assert.Equal([folder, pngFolder], Directory.EnumerateFileSystemEntries(parent).Order());
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        AssertNoTemp(parent);
    }

    [Fact]
    public void Threads_beyond_the_cores_are_capped_with_a_warning()
    {
        var err = new StringWriter();
        int threads;
        using (Warnings.To(err))
            threads = DeviceOptions.ParseThreads(ParsedOptions.Parse("train", DeviceOptions.Specs, ["--threads", "999"]), cores: 2);
        Assert.Equal(2, threads);
        Assert.Equal("gpugan: warning: --threads 999: this machine has 2 cores; using 2", err.ToString().TrimEnd());

        err = new StringWriter();
        using (Warnings.To(err))
        {
            Assert.Equal(2, DeviceOptions.ParseThreads(ParsedOptions.Parse("train", DeviceOptions.Specs, ["--threads", "2"]), cores: 2));
            Assert.Equal(0, DeviceOptions.ParseThreads(ParsedOptions.Parse("train", DeviceOptions.Specs, []), cores: 2));
            Assert.Equal("gpugan: warning: --threads 3: this machine has 1 core; using 1",
                CaptureOf(() => DeviceOptions.ParseThreads(ParsedOptions.Parse("train", DeviceOptions.Specs, ["--threads", "3"]), cores: 1)));
        }
        Assert.Equal("", err.ToString());
        AssertOneLineError(Run("profile", "--threads", "0", "--out", Path.Combine(TinyRun.TempDir(), "p")), 2, "--threads '0': expected an integer >= 1");
    }

    /// <summary>
    /// Every --threads is capped by one function: the bench (not referenced here: it pulls in TorchSharp) parses its
    /// --threads through DeviceOptions.ParseThreads like train and profile, and no source reads the option any other way.
    /// </summary>
    [Fact]
    public void Every_threads_option_goes_through_the_one_capping_function()
    {
        string root = RepoRoot.Path;
        var readers = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"\.Int\(\s*(""threads""|Threads\.Name|DeviceOptions\.Threads\.Name)"))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order().ToList();
        Assert.Equal(["src/GpuGan/Options/DeviceOptions.cs"], readers);
        string bench = File.ReadAllText(Path.Combine(root, "src", "GpuGan.Bench", "BenchOptions.cs"));
        Assert.Contains("Threads = DeviceOptions.ParseThreads(o)", bench);
        Assert.Contains(@"new(""threads"",", bench);   // the bench still has the option it caps
    }

    static string CaptureOf(Action action)
    {
        var w = new StringWriter();
        using (Warnings.To(w)) action();
        return w.ToString().TrimEnd();
    }

    [Fact]
    public void Threads_warning_reaches_the_command_lines_stderr()
    {
        string outDir = Path.Combine(TinyRun.TempDir(), "profile");
        var r = Run(["profile", "--data", TinyRun.WriteIdx(TinyRun.TempDir()), "--out", outDir, "--iterations", "1", "--warmup", "0",
            "--threads", "999", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        int cores = Environment.ProcessorCount;
        Assert.Equal($"gpugan: warning: --threads 999: this machine has {Count.Of(cores, "core")}; using {cores}", r.Err.TrimEnd());
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("GPU")]
    [InlineData("gpu:0")]
    public void Device_gpu_is_refused_listing_the_device_names(string name) =>
        AssertOneLineError(Run("train", "--device", name), 1, $"--device '{name}': not a device name; expected auto, cpu, cuda[:N] or opencl[:N]");

    [Theory]
    [InlineData("cl")]
    [InlineData("CL:1")]
    public void Device_cl_is_refused_naming_the_one_spelling_of_opencl(string name)
    {
        var e = Assert.Throws<GpuGan.Device.DeviceException>(() => GpuGan.Device.DeviceSpec.Parse(name));
        Assert.Equal($"--device '{name}': not a device name; expected auto, cpu, cuda[:N] or opencl[:N] (OpenCL is spelled opencl)", e.Message);
        Assert.Equal(new GpuGan.Device.DeviceSpec(GpuGan.Device.DeviceKind.OpenCL, 1), GpuGan.Device.DeviceSpec.Parse("OpenCL:1"));
        AssertOneLineError(Run("train", "--device", name), 1, $"--device '{name}': not a device name; expected auto, cpu, cuda[:N] or opencl[:N] (OpenCL is spelled opencl)");
    }

    /// <summary>The commands 'gpugan --help' lists, read from its text.</summary>
    static List<string> ListedCommands()
    {
        var r = Run("--help");
        Assert.Equal(0, r.Code);
        var lines = r.Out.Split('\n').Select(l => l.TrimEnd()).ToList();
        int start = lines.IndexOf("commands:");
        Assert.True(start >= 0, r.Out);
        return lines.Skip(start + 1).TakeWhile(l => l.Length > 0).Select(l => l.Trim().Split(' ')[0]).Distinct().ToList();
    }

    [Fact]
    public void Every_listed_command_takes_h_and_help()
    {
        var commands = ListedCommands();
        Assert.Contains("devices", commands);
        Assert.True(commands.Count >= 10, string.Join(",", commands));
        foreach (var command in commands)
            foreach (var flag in new[] { "-h", "--help" })
            {
                var r = Run(command, flag);
                Assert.True(r.Code == 0, $"{command} {flag}: exit {r.Code}: {r.Err}");
                Assert.StartsWith("usage: gpugan " + command, r.Out);
                Assert.Equal("", r.Err);
                Assert.DoesNotContain("chosen by --device auto", r.Out); // devices shows help, not the device list
            }
        Assert.StartsWith("usage: gpugan classifier train", Run("classifier", "train", "-h").Out);
        Assert.StartsWith("usage: gpugan classifier accuracy", Run("classifier", "accuracy", "-h").Out.Split('\n').Last(l => l.StartsWith("usage:")));
    }

    [Fact]
    public void Other_short_options_are_still_refused_in_one_line() =>
        AssertOneLineError(Run("train", "-x"), 2, "unexpected argument '-x'");

    [Fact]
    public void Profile_empties_its_own_folder_and_refuses_a_training_run()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string outDir = Path.Combine(TinyRun.TempDir(), "profile");
        string[] profile = ["profile", "--data", data, "--out", outDir, "--warmup", "1", .. Tiny];
        var r = Run([.. profile, "--iterations", "2"]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("profiling 2 steps after 1 warm-up step on", r.Out);
        r = Run([.. profile, "--iterations", "1"]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("profiling 1 step after 1 warm-up step on", r.Out);
        // Only the second run's files: one metrics line (the last step), one checkpoint (iteration 2), its profile.
        Assert.Single(File.ReadAllLines(Path.Combine(outDir, "metrics.jsonl")));
        Assert.Equal(["checkpoint_00000002.gpugan"], Directory.EnumerateFiles(Path.Combine(outDir, "checkpoints")).Select(Path.GetFileName));
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "profile.json"))))
            Assert.Equal(1, json.RootElement.GetProperty("steps").GetInt32());

        // A training run is never profiled into: refused before any work, left as it was.
        string run = TrainedRun();
        var before = Directory.EnumerateFileSystemEntries(run, "*", SearchOption.AllDirectories).Order().ToList();
        AssertOneLineError(Run(["profile", "--data", data, "--out", run, "--iterations", "1", .. Tiny]), 2, "holds a training run");
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(run, "*", SearchOption.AllDirectories).Order());

        // Nor a folder of someone's other files.
        string other = TinyRun.TempDir();
        File.WriteAllText(Path.Combine(other, "notes.txt"), "mine");
        AssertOneLineError(Run(["profile", "--data", data, "--out", other, "--iterations", "1", .. Tiny]), 2, "is not empty");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(other, "notes.txt")));
    }

    [Theory]
    [InlineData(0, "class", "classes", "0 classes")]
    [InlineData(0, "image", null, "0 images")]
    [InlineData(1, "class", "classes", "1 class")]
    [InlineData(2, "class", "classes", "2 classes")]
    [InlineData(1, "iteration", null, "1 iteration")]
    [InlineData(7, "iteration", null, "7 iterations")]
    public void Count_of_puts_the_noun_in_the_right_number(long n, string one, string? many, string expected) =>
        Assert.Equal(expected, Count.Of(n, one, many));

    [Fact]
    public void Counts_of_one_read_in_the_singular()
    {
        Assert.Equal("1,000 images", Count.Of(1000, "image", format: "N0"));
        var one = new ImageDataset("one", 1, 2, 2, new byte[8], [0, 0], 1);
        Assert.Equal("one: 2 images 1x2x2, 1 class", one.ToString());
        var s = Run("sample", "--checkpoint", TrainedRun(), "--count", "1", "--out", Path.Combine(TinyRun.TempDir(), "one.png"), "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        Assert.StartsWith("wrote 1 sample of G from", s.Out);
    }

    /// <summary>
    /// sample --out, profile --out and classifier train --out that cannot be written are refused in one line before any
    /// work: the checkpoint or data given does not exist, so a check made after loading it would report that instead.
    /// </summary>
    [Fact]
    public void Outputs_that_cannot_be_written_are_refused_before_any_work()
    {
        string file = Path.Combine(TinyRun.TempDir(), "x");
        File.WriteAllText(file, "");
        string under = Path.Combine(file, "sub");
        AssertOneLineError(Run("sample", "--checkpoint", "/nonexistent/run", "--out", Path.Combine(under, "grid.png"), "--device", "gpu"), 2,
            $"sample: --out {Path.Combine(under, "grid.png")} cannot be created: {file} is a file, not a folder");
        AssertOneLineError(Run("profile", "--out", file, "--data", "/nonexistent/train.idx", "--device", "gpu"), 2,
            $"profile: --out {file} is a file; give a folder");
        AssertOneLineError(Run("profile", "--out", under, "--data", "/nonexistent/train.idx", "--device", "gpu"), 2,
            $"profile: --out {under} cannot be created: {file} is a file, not a folder");
        AssertOneLineError(Run("classifier", "train", "--out", Path.Combine(under, "c.safetensors"), "--data", "/nonexistent/train.idx", "--device", "gpu"), 2,
            $"classifier train: --out {Path.Combine(under, "c.safetensors")} cannot be created: {file} is a file, not a folder");
        string folder = TinyRun.TempDir();
        AssertOneLineError(Run("classifier", "train", "--out", folder, "--data", "/nonexistent/train.idx"), 2,
            $"classifier train: --out {folder} is a folder; give a file name");
        Assert.Equal("", File.ReadAllText(file));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }
}
