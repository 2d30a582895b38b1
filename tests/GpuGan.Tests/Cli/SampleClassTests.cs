using SixLabors.ImageSharp;
using GpuGan.Tests.Training;
using GpuGan.Training;
using Xunit;
using static GpuGan.Tests.Cli.CliRun;

namespace GpuGan.Tests.Cli;

/// <summary>gpugan train --model cdcgan28 and gpugan sample --class on a tiny run (8x8, labels 0-9).</summary>
public sealed class SampleClassTests
{
    static readonly string[] Tiny = TinyRun.CliOptions;

    static string TrainedRun(string model = "cdcgan28")
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        string run = Path.Combine(TinyRun.TempDir(), "run");
        var r = Run(["train", "--model", model, "--data", data, "--out", run, "--iterations", "2", .. Tiny]);
        Assert.True(r.Code == 0, r.Err);
        return run;
    }

    static (int Width, int Height, string? Classes) ReadGrid(string path)
    {
        using var png = SixLabors.ImageSharp.Image.Load(path);
        var text = png.Metadata.GetPngMetadata().TextData.FirstOrDefault(d => d.Keyword == SampleGrid.ClassesKeyword);
        return (png.Width, png.Height, text.Keyword == null ? null : text.Value);
    }

    [Fact]
    public void Sample_class_writes_that_class_with_the_labels_stored()
    {
        string run = TrainedRun();
        Assert.Contains("class of 10", Run("models").Out);
        string seven = Path.Combine(TinyRun.TempDir(), "seven.png");
        var s = Run("sample", "--checkpoint", run, "--class", "7", "--count", "12", "--columns", "6", "--out", seven, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        Assert.Contains("12 samples of class 7", s.Out);
        var (w, h, classes) = ReadGrid(seven);
        Assert.Equal((6 * 10 + 2, 2 * 10 + 2), (w, h));
        Assert.Equal(string.Join(",", Enumerable.Repeat(7, 12)), classes);

        string all = Path.Combine(TinyRun.TempDir(), "all.png");
        s = Run("sample", "--checkpoint", run, "--class", "all", "--out", all, "--device", "cpu");
        Assert.True(s.Code == 0, s.Err);
        (w, h, classes) = ReadGrid(all);
        Assert.Equal((8 * 10 + 2, 10 * 10 + 2), (w, h));            // 8 columns, one row per class
        Assert.Equal(string.Join(",", Enumerable.Range(0, 80).Select(i => i / 8)), classes);
    }

    [Theory]
    [InlineData("10", "expected all or a class from 0 to 9")]
    [InlineData("-1", "expected all or a class from 0 to 9")]
    [InlineData("seven", "expected all or a class from 0 to 9")]
    public void Sample_class_out_of_range_is_one_line(string value, string message)
    {
        string run = TrainedRun();
        var r = Run("sample", "--checkpoint", run, "--class", value, "--out", Path.Combine(TinyRun.TempDir(), "x.png"), "--device", "cpu");
        Assert.Equal(2, r.Code);
        Assert.Contains(message, r.Err);
        Assert.DoesNotContain('\n', r.Err.TrimEnd());
    }

    [Fact]
    public void Sample_class_on_an_unconditional_model_is_one_line()
    {
        string run = TrainedRun("dcgan28");
        var r = Run("sample", "--checkpoint", run, "--class", "3", "--out", Path.Combine(TinyRun.TempDir(), "x.png"), "--device", "cpu");
        Assert.Equal(2, r.Code);
        Assert.Contains("--class needs a conditional model", r.Err);
    }

    [Fact]
    public void Train_refuses_classes_that_do_not_match_the_data()
    {
        string data = TinyRun.WriteIdx(TinyRun.TempDir());
        var r = Run(["train", "--model", "cdcgan28", "--classes", "4", "--data", data, "--out", Path.Combine(TinyRun.TempDir(), "run"), "--iterations", "1", .. Tiny]);
        Assert.NotEqual(0, r.Code);
        Assert.Contains("10 classes but the cdcgan28 model is set up for 4 (--classes 10)", r.Err);
        Assert.DoesNotContain('\n', r.Err.TrimEnd());
    }
}
