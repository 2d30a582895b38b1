using GpuGan.Device;
using GpuGan.Kernels;
using GpuGan.Ops;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Host;

/// <summary>The host im2col/col2im against ILGPU's kernels: the same bits, for every geometry kind.</summary>
public sealed class HostUnfoldTests
{
    public static TheoryData<int, int, int, int, int, int, int, bool> Geometries() => new()
    {
        // batch, channels, h, w, kernel, stride, padding, transposed
        { 1, 1, 5, 5, 3, 1, 1, false },
        { 2, 3, 7, 5, 3, 2, 1, false },
        { 3, 2, 9, 11, 5, 3, 2, false },
        { 64, 64, 14, 14, 4, 2, 1, false },   // D's conv2, big enough for the worker pool
        { 2, 4, 6, 6, 1, 1, 0, false },
        { 2, 3, 4, 3, 4, 2, 1, true },
        { 64, 64, 7, 7, 4, 2, 1, true },      // G's deconv1
        { 1, 2, 3, 5, 3, 3, 2, true },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Host_unfold_and_fold_equal_the_ILGPU_kernels_bit_for_bit(int n, int c, int h, int w, int k, int s, int p, bool transposed)
    {
        var opts = ConvOptions.Square(k, s, p);
        var g = transposed ? opts.ForTransposed(n, c, h, w) : opts.ForConv(n, c, h, w);
        string name = $"unfold {n}x{c}x{h}x{w} k{k} s{s} p{p}{(transposed ? " T" : "")}";
        var rnd = new System.Random(TestSeed.For(name));
        float[] image = Enumerable.Range(0, g.ImageLength).Select(_ => (float)rnd.NextDouble() - 0.5f).ToArray();
        float[] cols = Enumerable.Range(0, g.ColumnLength).Select(_ => (float)rnd.NextDouble() - 0.5f).ToArray();
        float[] bias = Enumerable.Range(0, c).Select(_ => (float)rnd.NextDouble()).ToArray();

        (float[] Col, float[] Img, float[] ImgBias) Run(CpuKernelVariant variant)
        {
            using var dev = ComputeDevice.CreateCpu(cpuKernels: variant);
            using var ti = dev.Allocate(g.ImageLength);
            using var tc = dev.Allocate(g.ColumnLength);
            using var tb = dev.Allocate(c);
            ti.CopyFrom(image);
            tb.CopyFrom(bias);
            ElementwiseOps.Fill(dev, tc.View, tc.Length, float.NaN);
            Unfold.Im2Col(dev, ti.View, tc.View, g);
            var col = tc.ToArray();
            tc.CopyFrom(cols);
            ElementwiseOps.Fill(dev, ti.View, ti.Length, float.NaN);
            Unfold.Col2Im(dev, tc.View, ti.View, null, g);
            var img = ti.ToArray();
            ElementwiseOps.Fill(dev, ti.View, ti.Length, float.NaN);
            Unfold.Col2Im(dev, tc.View, ti.View, tb.View, g);
            return (col, img, ti.ToArray());
        }

        var host = Run(CpuKernelVariant.Simd);
        var ilgpu = Run(CpuKernelVariant.Ilgpu);
        string hint = TestSeed.Hint(name);
        Assert.True(host.Col.All(v => !float.IsNaN(v)) && host.Img.All(v => !float.IsNaN(v)), $"unwritten elements {hint}");
        Assert.True(ilgpu.Col.AsSpan().SequenceEqual(host.Col), $"im2col differs {hint}");
        Assert.True(ilgpu.Img.AsSpan().SequenceEqual(host.Img), $"col2im differs {hint}");
        Assert.True(ilgpu.ImgBias.AsSpan().SequenceEqual(host.ImgBias), $"col2im with bias differs {hint}");
        Assert.Contains(host.Col, v => v != 0f);
    }
}
