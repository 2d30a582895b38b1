using GpuGan.Cli;
using GpuGan.Tests.Training;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Cli;

/// <summary>The command line as a user meets it: exit codes, one-line errors, never a stack trace.</summary>
public sealed class CliTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => Run(CancellationToken.None, args);

    static (int Code, string Out, string Err) Run(CancellationToken stop, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e, stop);
        return (code, o.ToString(), e.ToString());
    }

    static readonly string[] Tiny = TinyRun.CliOptions;

    static void AssertOneLineError((int Code, string Out, string Err) r, int code, string mustContain)
    {
        Assert.Equal(code, r.Code);
        string err = r.Err.TrimEnd();
        Assert.StartsWith("gpugan: error: ", err);
        Assert.DoesNotContain('\n', err);
        Assert.DoesNotContain("   at ", err);
        Assert.Contains(mustContain, err);
    }

    [Fact]
    public void Help_lists_options_with_defaults()
    {
        var r = Run("train", "--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("--batch-size N", r.Out);
        Assert.Contains("(default: 64)", r.Out);
        Assert.Contains("--lr X", r.Out);
        Assert.Contains("with --cpu-kernels ilgpu", r.Out);
        Assert.Equal(2, Run().Code);
        Assert.Equal(0, Run("sample", "--help").Code);
    }

    [Fact]
    public void Train_then_resume_then_sample()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var r = Run(["train", "--data", data, "--out", run, "--iterations", "3", "--log-every", "1", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("[3/3]", r.Out);
        Assert.Contains("Loss_D:", r.Out);
        Assert.True(File.Exists(Path.Combine(run, "samples", "final.png")));

        var resumed = Run("train", "--resume", run, "--iterations", "5", "--device", "cpu");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("iterations 3/5", resumed.Out);
        Assert.Equal(5, Checkpoint.Load(Checkpoint.Resolve(run)).State.Iteration);

        string grid = Path.Combine(TinyRun.TempDir(), "grid.png");
        var s = Run("sample", "--checkpoint", run, "--count", "10", "--out", grid, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        using var png = SixLabors.ImageSharp.Image.Load(grid);
        Assert.Equal(8 * 10 + 2, png.Width);   // 8 columns of 8 px + 2 px gaps
        Assert.Equal(2 * 10 + 2, png.Height);  // 2 rows
    }

    /// <summary>
    /// Issue 14: a checkpoint with a NaN in G's BatchNorm statistics, resumed. The losses would stay finite; before the
    /// finite-weights flag the run finished with exit 0 and wrote a checkpoint holding the NaN. Now the checkpoint is
    /// refused before training (the flag that stops a run whose statistics go non-finite: FiniteWeightsTests).
    /// </summary>
    [Fact]
    public void Resumed_non_finite_statistics_are_refused_and_no_checkpoint_holds_them()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "2", .. Tiny]).Code);
        string ckpt = Checkpoint.Resolve(run);
        var c = Checkpoint.Load(ckpt);
        string name = c.Tensors.Keys.First(n => n.StartsWith("G.") && n.Contains("running_var"));
        var tensors = c.Tensors.ToDictionary(kv => kv.Key, kv => (kv.Value.Shape, (float[])kv.Value.Data.Clone()));
        tensors[name].Item2[0] = float.NaN;
        new Checkpoint { State = c.State, Tensors = tensors }.Save(ckpt);

        var r = Run("train", "--resume", run, "--iterations", "50", "--log-every", "10", "--device", "cpu");
        AssertOneLineError(r, 1, $"{ckpt} holds non-finite values (NaN or infinity, first in {name}); no earlier checkpoint in {Path.GetDirectoryName(ckpt)} loads and is finite");
        Assert.Equal([ckpt], Directory.GetFiles(Path.Combine(run, "checkpoints"), "*.gpugan"));
    }

    [Fact]
    public void Resume_refuses_changed_training_options()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "1", .. Tiny]).Code);
        AssertOneLineError(Run("train", "--resume", run, "--lr", "0.01"), 2, "--lr differs");
    }

    [Fact]
    public void Stop_request_exits_130_with_a_checkpoint()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        using var stop = new CancellationTokenSource();
        stop.Cancel(); // as if Ctrl+C arrived during the first iteration
        var r = Run(stop.Token, ["train", "--data", data, "--out", run, "--iterations", "50", .. Tiny]);
        Assert.Equal(130, r.Code);
        Assert.Contains("stopped at iteration 0", r.Out);
        Assert.Equal(0, Checkpoint.Load(Checkpoint.Resolve(run)).State.Iteration);
    }

    public static TheoryData<string[], int, string> BadInput() => new()
    {
        { ["train", "--batch-size", "abc"], 2, "--batch-size 'abc'" },
        { ["train", "--lr", "-1"], 2, "--lr '-1'" },
        { ["train", "--loss", "magic"], 2, "--loss 'magic'" },
        { ["train", "--device", "quantum"], 1, "--device 'quantum'" },
        { ["train", "--device", "cuda:7"], 1, "cuda" },
        { ["train", "--frobnicate"], 2, "unknown option --frobnicate" },
        { ["train", "--iterations"], 2, "--iterations needs a value" },
        { ["train", "--iterations", "5", "--epochs", "2"], 2, "not both" },
        { ["train", "--noise", "pink"], 2, "--noise 'pink'" },
        { ["train", "--model", "gpt"], 2, "--model 'gpt'" },
        { ["train", "--data", "/nonexistent/mnist", "--device", "cpu"], 1, "/nonexistent/mnist" },
        { ["train", "--resume", "/nonexistent/run"], 1, "/nonexistent/run" },
        { ["sample"], 2, "give --checkpoint PATH or --weights FILE (one of them)" },
        { ["sample", "--checkpoint", "/nonexistent.gpugan"], 1, "/nonexistent.gpugan" },
        { ["fly"], 2, "unknown command 'fly'" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Bad_input_gives_one_line_and_a_nonzero_exit(string[] args, int code, string message) =>
        AssertOneLineError(Run(args), code, message);

    [Fact]
    public void Idx_of_another_image_size_is_resized_to_the_model()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir(), size: 12);
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var r = Run(["train", "--data", data, "--out", run, "--iterations", "1", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("40 images 1x8x8", r.Out);
    }

    [Fact]
    public void Idx_for_an_rgb_model_is_refused_naming_the_file()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        AssertOneLineError(Run(["train", "--data", data, "--channels", "3", .. Tiny]), 1, "train-images-idx3-ubyte.gz: IDX images are grayscale");
    }

    [Fact]
    public void Corrupt_data_file_is_refused_naming_the_file()
    {
        string dir = TinyRun.WriteIdx(TinyRun.TempDir());
        string images = Path.Combine(dir, "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length / 2)]);
        AssertOneLineError(Run(["train", "--data", dir, .. Tiny]), 1, "train-images-idx3-ubyte.gz");
    }

    [Fact]
    public void Broken_or_mismatched_checkpoint_is_refused_and_left_alone()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "1", .. Tiny]).Code);
        string ckpt = Checkpoint.Resolve(run);

        // Another model's checkpoint: the sampler's G does not match.
        var c = Checkpoint.Load(ckpt);
        string other = Path.Combine(TinyRun.TempDir(), "other.gpugan");
        new Checkpoint { State = c.State with { Options = c.State.Options with { Model = c.State.Options.Model with { GeneratorWidth = 8 } } }, Tensors = c.Tensors }.Save(other);
        AssertOneLineError(Run("sample", "--checkpoint", other, "--device", "cpu"), 1, "G.fc.weight");

        // A damaged newer checkpoint: refused; the older one stays as it was.
        byte[] good = File.ReadAllBytes(ckpt);
        string damaged = Path.Combine(run, "checkpoints", Checkpoint.FileName(2));
        File.WriteAllBytes(damaged, good[..(good.Length - 20)]);
        AssertOneLineError(Run("train", "--resume", run, "--device", "cpu"), 1, "corrupt or truncated");
        Assert.Equal(good, File.ReadAllBytes(ckpt));
    }

    /// <summary>Issue 14: a damaged newest checkpoint names the earlier one that loads and is finite; --resume-previous takes it.</summary>
    [Fact]
    public void Damaged_newest_checkpoint_names_the_earlier_good_one_and_resume_previous_takes_it()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        Assert.Equal(0, Run(["train", "--data", data, "--out", run, "--iterations", "1", .. Tiny]).Code);
        string first = Checkpoint.Resolve(run);
        byte[] good = File.ReadAllBytes(first);
        // Iteration 2: finite but non-finite values, so not a candidate; iteration 3: damaged.
        var c = Checkpoint.Load(first);
        var tensors = c.Tensors.ToDictionary(kv => kv.Key, kv => (kv.Value.Shape, (float[])kv.Value.Data.Clone()));
        tensors[tensors.Keys.First()].Item2[0] = float.NaN;
        new Checkpoint { State = c.State with { Iteration = 2 }, Tensors = tensors }.Save(Path.Combine(run, "checkpoints", Checkpoint.FileName(2)));
        string damaged = Path.Combine(run, "checkpoints", Checkpoint.FileName(3));
        File.WriteAllBytes(damaged, good[..(good.Length - 20)]);

        AssertOneLineError(Run("train", "--resume", run, "--iterations", "4", "--device", "cpu"), 1,
            $"; the newest earlier checkpoint that loads and is finite is {first} (iteration 1): add --resume-previous to continue from it");
        var r = Run("train", "--resume", run, "--resume-previous", "--iterations", "4", "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains($"continuing from {first} (iteration 1) as --resume-previous asks", r.Out);
        Assert.Contains("iterations 1/4", r.Out);
        Assert.Equal(4, Checkpoint.Load(Checkpoint.Resolve(run)).State.Iteration);
    }
}

public sealed class ImageFolderTrainingTests
{
    [Fact]
    public void Trains_on_an_rgb_image_folder_resized_to_the_model()
    {
        string root = TinyRun.TempDir();
        for (int cls = 0; cls < 2; cls++)
        {
            string dir = Path.Combine(root, cls == 0 ? "cats" : "dogs");
            Directory.CreateDirectory(dir);
            for (int i = 0; i < 6; i++)
            {
                using var img = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(13 + i, 11,
                    new SixLabors.ImageSharp.PixelFormats.Rgb24((byte)(40 * i), (byte)(100 * cls), 90));
                SixLabors.ImageSharp.ImageExtensions.SaveAsPng(img, Path.Combine(dir, $"{i}.png"));
            }
        }
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(["train", "--data", root, "--out", run, "--iterations", "2", "--channels", "3", "--image-size", "8",
            "--g-width", "4", "--d-width", "4", "--latent", "8", "--batch-size", "4", "--device", "cpu"], o, e, CancellationToken.None);
        Assert.True(code == 0, e.ToString());
        Assert.Contains("12 images 3x8x8, 2 classes", o.ToString());
        using var png = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(Path.Combine(run, "samples", "final.png"));
        Assert.Equal(4 * 10 + 2, png.Width);
    }
}

public sealed class TrainProfileAndEpochsTests
{
    static readonly string[] Tiny = TinyRun.CliOptions;

    [Fact]
    public void Train_with_profile_writes_the_profile_of_iterations_3_to_22()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(["train", "--data", data, "--out", run, "--iterations", "6", "--profile", .. Tiny], o, e, CancellationToken.None);
        Assert.True(code == 0, e.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "profile.json")));
        Assert.Equal(4, json.RootElement.GetProperty("steps").GetInt32()); // iterations 3..6 after 2 warm-up
        Assert.True(File.Exists(Path.Combine(run, "trace.json")));
        Assert.Contains("layer / phase", o.ToString());
    }

    [Fact]
    public void Epochs_set_the_iteration_budget_from_the_batches_per_epoch()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir(), count: 40);
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(["train", "--data", data, "--out", run, "--epochs", "2", .. Tiny], o, e, CancellationToken.None);
        Assert.True(code == 0, e.ToString());
        // 40 images / batch 8 = 5 batches per epoch, one D step per iteration: 10 iterations.
        Assert.Equal(10, Checkpoint.Load(Checkpoint.Resolve(run)).State.Iteration);
    }
}

public sealed class ResumeDataTests
{
    [Fact]
    public void Resume_on_a_data_set_of_another_size_is_refused_in_one_line()
    {
        string[] tiny = ["--image-size", "8", "--g-width", "4", "--d-width", "4", "--latent", "8", "--batch-size", "8", "--device", "cpu"];
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(0, Program.Run(["train", "--data", TinyRun.WriteIdx(TinyRun.TempDir(), count: 40), "--out", run, "--iterations", "3", .. tiny], o, e, CancellationToken.None));
        e = new StringWriter();
        int code = Program.Run(["train", "--resume", run, "--data", TinyRun.WriteIdx(TinyRun.TempDir(), count: 24), "--iterations", "5", "--device", "cpu"], o, e, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("was trained on 40 images", e.ToString());
        Assert.DoesNotContain('\n', e.ToString().TrimEnd());
    }
}
