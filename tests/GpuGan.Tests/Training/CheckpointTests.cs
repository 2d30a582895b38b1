using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Training;

public sealed class CheckpointTests
{
    static Checkpoint Sample() => new()
    {
        State = new TrainState { Options = new TrainOptions { Seed = 42 }, Iteration = 17, NoiseCounter = 99, SamplerEpoch = 2, SamplerBatch = 3 },
        Tensors = new Dictionary<string, (int[], float[])> { ["a"] = ([2, 3], [1, 2, 3, 4, 5, float.NegativeInfinity]), ["b"] = ([1], [0.5f]) },
    };

    [Fact]
    public void Round_trip_keeps_state_and_tensors()
    {
        string path = Path.Combine(TinyRun.TempDir(), "c.gpugan");
        Sample().Save(path);
        var c = Checkpoint.Load(path);
        Assert.Equal(17, c.State.Iteration);
        Assert.Equal(42UL, c.State.Options.Seed);
        Assert.Equal(99UL, c.State.NoiseCounter);
        Assert.Equal(new[] { 2, 3 }, c.Tensors["a"].Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, float.NegativeInfinity }, c.Tensors["a"].Data);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void Damaged_files_give_one_line_naming_the_file(string damage)
    {
        string path = Path.Combine(TinyRun.TempDir(), "c.gpugan");
        Sample().Save(path);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "flip": bytes[bytes.Length / 2] ^= 0x10; break;
            case "truncate": bytes = bytes[..(bytes.Length - 9)]; break;
            case "garbage": bytes = "not a checkpoint at all"u8.ToArray(); break;
            case "empty": bytes = []; break;
        }
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Resolve_takes_the_latest_checkpoint_of_a_run_folder()
    {
        string run = TinyRun.TempDir();
        Sample().Save(Path.Combine(run, "checkpoints", Checkpoint.FileName(9)));
        Sample().Save(Path.Combine(run, "checkpoints", Checkpoint.FileName(10)));
        Assert.EndsWith(Checkpoint.FileName(10), Checkpoint.Resolve(run));
        Assert.Throws<CheckpointException>(() => Checkpoint.Resolve(Path.Combine(run, "nope")));
        Assert.Throws<CheckpointException>(() => Checkpoint.Resolve(TinyRun.TempDir()));
    }

    [Fact]
    public void A_failed_save_leaves_the_previous_file_intact()
    {
        string dir = TinyRun.TempDir();
        string path = Path.Combine(dir, "c.gpugan");
        Sample().Save(path);
        byte[] before = File.ReadAllBytes(path);
        var bad = new Checkpoint { State = Sample().State, Tensors = new Dictionary<string, (int[], float[])> { ["x"] = ([2], null!) } };
        Assert.ThrowsAny<Exception>(() => bad.Save(path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void A_checkpoint_that_cannot_be_written_names_itself_and_the_one_that_survived()
    {
        // A folder squatting on the checkpoint's name makes the rename fail, as a full disk makes the write fail.
        string run = TinyRun.TempDir();
        var store = new CheckpointStore(run, keep: 3);
        using var dev = GpuGan.Device.ComputeDevice.CreateCpu();
        using var t = dev.Allocate(3);
        string first = store.Save(new TrainState { Options = new TrainOptions(), Iteration = 4 }, [("w", t)]);
        Directory.CreateDirectory(Path.Combine(store.Folder, Checkpoint.FileName(8)));
        var e = Assert.Throws<IOException>(() => store.Save(new TrainState { Options = new TrainOptions(), Iteration = 8 }, [("w", t)]));
        Assert.StartsWith(Path.Combine(store.Folder, Checkpoint.FileName(8)) + " was not written (", e.Message);
        Assert.EndsWith($"the newest checkpoint on disk is {first}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(4, Checkpoint.Load(first).State.Iteration);
        Assert.Empty(Directory.GetFiles(store.Folder, "*.tmp"));
    }
}
