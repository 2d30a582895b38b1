using SixLabors.ImageSharp;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Losses;
using GpuGan.Models;
using GpuGan.Optim;
using GpuGan.Rng;
using GpuGan.Training;
using Xunit;

namespace GpuGan.Tests.Training;

/// <summary>Class-conditional models end to end: labels from the data to G and D, class grids, resume.</summary>
public sealed class ConditionalTests
{
    const int Classes = 3;

    /// <summary>cdcgan28 at 8x8: TinyRun's sizes with three classes.</summary>
    static ModelConfig Model => TinyRun.Model with { Name = "cdcgan28", Classes = Classes };

    static TrainOptions Options(string dir, long iterations) => TinyRun.Options(dir, iterations) with { Model = Model };

    /// <summary>Images whose class decides where the blob is (top left, centre, bottom right), brightness varying.</summary>
    static ImageDataset ClassData(int count = 48)
    {
        const int s = TinyRun.Size;
        var pixels = new byte[count * s * s];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int k = labels[n] = n % Classes;
            int cx = 1 + 2 * k + n / 3 % 2, cy = 1 + 2 * k + n / 6 % 2;
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++)
                    pixels[n * s * s + y * s + x] = (byte)((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 2 ? 180 + n % 70 : n % 9);
        }
        return new ImageDataset("classes", 1, s, s, pixels, labels, Classes);
    }

    [Fact]
    public void Discriminator_learns_to_separate_classes_on_a_fixed_batch()
    {
        // The same real images, once with their labels (target 1) and once with a wrong one (target 0): only the
        // label path (the projection's embedding) can tell the two apart.
        using var dev = ComputeDevice.CreateCpu();
        using var d = Model.Definition.Discriminator(dev, Model);
        Model.Definition.Initialize(d, new NoiseGenerator(dev, 5));
        using var loss = new GanLoss(dev, GanLossKind.Bce);
        using var opt = new Adam(dev, d.Parameters, new AdamOptions(Lr: 2e-3f));
        var data = ClassData(12);
        var host = new float[12 * 64];
        for (int i = 0; i < 12; i++) data.CopyImage(i, host.AsSpan(i * 64, 64));
        using var x = dev.Allocate(12, 1, 8, 8);
        x.CopyFrom(host);
        using var right = dev.AllocateInts(12);
        using var wrong = dev.AllocateInts(12);
        right.CopyFrom(data.Labels);
        wrong.CopyFrom(data.Labels.Select(k => (k + 1) % Classes).ToArray());

        float Gap()
        {
            d.Training = false;
            d.Labels = right;
            var r = d.Forward(x).ToArray();
            d.Labels = wrong;
            var w = d.Forward(x).ToArray();
            d.Training = true;
            return r.Zip(w, (a, b) => a - b).Min();
        }

        float before = Gap();
        for (int step = 0; step < 60; step++)
        {
            opt.ZeroGrad();
            d.Labels = right;
            d.Backward(loss.DiscriminatorReal(d.Forward(x)), inputGradient: false);
            d.Labels = wrong;
            d.Backward(loss.DiscriminatorFake(d.Forward(x)), inputGradient: false);
            opt.Step();
        }
        float after = Gap();
        // Every image now scores higher with its own label than with a wrong one, by a clear margin.
        Assert.True(after > 1f, $"smallest logit gap (right - wrong label) went from {before} to {after}");
        Assert.True(before < 0.5f, $"the untrained D already separated labels: {before}");
    }

    [Fact]
    public void Resume_of_a_conditional_run_with_ema_is_bit_exact()
    {
        var data = ClassData();
        var options = (string dir, long n) => Options(dir, n) with { Ema = 0.9f };
        float[][] uninterrupted;
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options(TinyRun.TempDir(), 12), data))
        {
            t.Run(CancellationToken.None);
            uninterrupted = [.. TrainerTests.Snapshot(t), .. t.Ema!.Tensors.Select(e => e.Value.ToArray())];
        }
        string half = TinyRun.TempDir();
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options(half, 7), data))
            t.Run(CancellationToken.None);
        float[][] resumed;
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options(half, 12), data, Checkpoint.Load(Checkpoint.Resolve(half))))
        {
            t.Run(CancellationToken.None);
            resumed = [.. TrainerTests.Snapshot(t), .. t.Ema!.Tensors.Select(e => e.Value.ToArray())];
        }
        Assert.Equal(uninterrupted.Length, resumed.Length);
        for (int i = 0; i < resumed.Length; i++)
            Assert.True(uninterrupted[i].AsSpan().SequenceEqual(resumed[i]), $"tensor {i} differs after resume");
    }

    [Fact]
    public void Sample_grids_have_one_row_per_class_with_the_same_noise_in_each_column()
    {
        string dir = TinyRun.TempDir();
        using var dev = ComputeDevice.CreateCpu();
        using var t = new GanTrainer(dev, Options(dir, 20), ClassData());
        t.Run(CancellationToken.None);
        using var png = SixLabors.ImageSharp.Image.Load(Path.Combine(dir, "samples", "final.png"));
        Assert.Equal(8 * (8 + 2) + 2, png.Width);            // 8 columns
        Assert.Equal(Classes * (8 + 2) + 2, png.Height);     // one row per class
        var text = png.Metadata.GetPngMetadata().TextData.Single(d => d.Keyword == SampleGrid.ClassesKeyword).Value;
        Assert.Equal(string.Join(",", Enumerable.Range(0, Classes * 8).Select(i => i / 8)), text);

        // Row k is G(z_j, k): the same latent vectors as every other row, another class.
        var images = t.SampleFixed();
        var g = t.SamplingGenerator();
        using var z = dev.Allocate(8, Model.LatentSize);
        using var labels = dev.AllocateInts(8);
        var columns = new float[8 * Model.LatentSize];
        new NoiseGenerator(dev, t.Options.Seed, 2).Normal(z);    // the fixed-noise stream's first 8 vectors
        z.CopyTo(columns);
        g.Labels = labels;
        for (int k = 0; k < Classes; k++)
        {
            labels.CopyFrom(Enumerable.Repeat(k, 8).ToArray());
            var row = g.Forward(z).ToArray();
            Assert.True(row.AsSpan().SequenceEqual(images.AsSpan(k * 8 * 64, 8 * 64)), $"row {k} is not G(fixed z, {k})");
        }
        Assert.False(images.AsSpan(0, 64).SequenceEqual(images.AsSpan(8 * 64, 64)), "class 0 and class 1 drew the same image");
    }

    [Fact]
    public void Conditional_models_refuse_data_without_the_right_labels()
    {
        using var dev = ComputeDevice.CreateCpu();
        var unlabelled = new ImageDataset("unlabelled", 1, 8, 8, new byte[40 * 64], new int[40], 1);
        var e = Assert.Throws<DataException>(() => new GanTrainer(dev, Options(TinyRun.TempDir(), 1), unlabelled));
        Assert.Contains("needs labelled data", e.Message);
        var five = new ImageDataset("five", 1, 8, 8, new byte[40 * 64], Enumerable.Range(0, 40).Select(i => i % 5).ToArray(), 5);
        e = Assert.Throws<DataException>(() => new GanTrainer(dev, Options(TinyRun.TempDir(), 1), five));
        Assert.Contains("--classes 5", e.Message);
        var unconditional = Assert.Throws<TrainOptionException>(() => (TinyRun.Options("x", 1) with { Model = TinyRun.Model with { Classes = 3 } }).Validate());
        Assert.Contains("takes no class labels", unconditional.Message);
        var noClasses = Assert.Throws<TrainOptionException>(() => (Options("x", 1) with { Model = Model with { Classes = 0 } }).Validate());
        Assert.Contains("at least 2 classes", noClasses.Message);
    }

    [Fact]
    public void A_conditional_layer_without_labels_says_so()
    {
        using var dev = ComputeDevice.CreateCpu();
        using var g = Model.Definition.Generator(dev, Model);
        using var z = dev.Allocate(4, Model.LatentSize);
        var e = Assert.Throws<InvalidOperationException>(() => g.Forward(z));
        Assert.Contains("G.embed", e.Message);
        using var three = dev.AllocateInts(3);
        g.Labels = three;
        Assert.Throws<ArgumentException>(() => g.Forward(z));
    }
}

/// <summary>cdcgan64 end to end on the embedded digits resized to 64x64 (narrow widths: seconds, not minutes).</summary>
public sealed class Cdcgan64Tests
{
    [Fact]
    public void A_cdcgan64_run_trains_on_resized_digits_draws_class_grids_and_reports_class_match()
    {
        string dir = TinyRun.TempDir();
        var options = new TrainOptions
        {
            Model = new Cdcgan64().Defaults with { GeneratorWidth = 8, DiscriminatorWidth = 8, LatentSize = 16 },
            OutDir = dir, Iterations = 2, BatchSize = 16, Seed = 3, CheckpointEvery = 1000, SampleEvery = 1000, LogEvery = 1000,
            EvalEvery = 2, EvalCount = 40,
        };
        var data = DatasetLoader.Load(null, options.Model.Channels, options.Model.ImageSize);
        Assert.Equal((1, 64, 64, 10), (data.Channels, data.Height, data.Width, data.ClassCount));
        using (var dev = ComputeDevice.CreateCpu())
        using (var t = new GanTrainer(dev, options, data))
        {
            Assert.Equal(TrainOutcome.Completed, t.Run(CancellationToken.None).Outcome);
            var quality = t.History.Single(h => h.Quality != null).Quality!;
            Assert.True(quality.ClassMatch is >= 0 and <= 1, $"class match {quality.ClassMatch}");
        }
        using var png = Image.Load(Path.Combine(dir, "samples", "final.png"));
        Assert.Equal((8 * 66 + 2, 10 * 66 + 2), (png.Width, png.Height));   // 8 columns, one row per digit

        var r = Cli.CliRun.Run("eval", "--checkpoint", dir, "--count", "30", "--device", "cpu", "--no-baselines");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("classified as the asked class:", r.Out);
        Assert.Contains("(3 samples each)", r.Out);
    }
}
