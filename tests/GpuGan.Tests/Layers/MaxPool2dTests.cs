using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Layers;

/// <summary>The MaxPool2d layer: output shapes (PyTorch's floor mode), hand-computed windows with ties, gradients routed to the argmax.</summary>
[Collection(TestDeviceCollection.Name)]
public sealed class MaxPool2dTests(TestDeviceFixture fixture)
{
    ComputeDevice Dev => fixture.Device;

    Tensor Up(float[] data, params int[] shape)
    {
        var t = Dev.Allocate(shape);
        t.CopyFrom(data);
        return t;
    }

    [Theory]
    [InlineData(2, 2, 0, 28, 28, 14, 14)]   // LeNet's pools
    [InlineData(2, 2, 0, 14, 14, 7, 7)]
    [InlineData(2, 2, 0, 7, 5, 3, 2)]       // floor: the last row and column are in no window
    [InlineData(3, 2, 1, 7, 5, 4, 3)]
    [InlineData(3, 1, 1, 6, 9, 6, 9)]       // "same" pooling
    [InlineData(1, 3, 0, 7, 7, 3, 3)]       // stride > kernel
    [InlineData(3, 3, 0, 3, 3, 1, 1)]
    public void Output_shape_is_pytorchs(int kernel, int stride, int padding, int h, int w, int oh, int ow)
    {
        using var pool = new MaxPool2d(Dev, "pool", kernel, stride, padding);
        using var x = Dev.Allocate(2, 3, h, w);
        ElementwiseOps.Fill(Dev, x.View, x.Length, 1f);
        var y = pool.Forward(x);
        Assert.Equal([2, 3, oh, ow], y.Shape);
        Assert.Empty(pool.Parameters);
        using var dy = Dev.Allocate(y.Shape);
        ElementwiseOps.Fill(Dev, dy.View, dy.Length, 1f);
        Assert.Equal(x.Shape, pool.Backward(dy)!.Shape);
    }

    [Fact]
    public void Bad_options_and_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new MaxPool2d(Dev, "pool", 2, 2, padding: 2));  // more than half the kernel
        Assert.Throws<ArgumentException>(() => new MaxPool2d(Dev, "pool", 1, 1, padding: 1));
        Assert.Throws<ArgumentException>(() => new MaxPool2d(Dev, "pool", 0, 1));
        Assert.Throws<ArgumentException>(() => new MaxPool2d(Dev, "pool", 2, 0));
        using var pool = new MaxPool2d(Dev, "pool", 3, 1);
        using var flat = Dev.Allocate(2, 12);
        Assert.Throws<ArgumentException>(() => pool.Forward(flat));
        using var small = Dev.Allocate(1, 1, 2, 5);                                             // 2 rows < 3-row window
        Assert.Throws<ArgumentException>(() => pool.Forward(small));
        using var fresh = new MaxPool2d(Dev, "fresh", 2, 2);
        Assert.Throws<InvalidOperationException>(() => fresh.Backward(flat));
    }

    // x (1, 1, 4, 4), 2x2 windows, stride 2:
    //   1  3 | 2  2        window (0,0): 1 3 3 0    max 3, first at (0,1) -> index 1 (not the 3 at (1,0))
    //   3  0 | 1  0        window (0,1): 2 2 1 0    max 2, first at (0,2) -> index 2 (not the 2 at (0,3))
    //  ------+------       window (1,0): 5 4 4 5    max 5, first at (2,0) -> index 8 (not the 5 at (3,1))
    //   5  4 |-1 -2        window (1,1): all < 0    max -1 at (2,2)       -> index 10
    //   4  5 |-3 -4
    [Fact]
    public void Ties_go_to_the_first_max_in_the_window()
    {
        using var x = Up([1, 3, 2, 2, 3, 0, 1, 0, 5, 4, -1, -2, 4, 5, -3, -4], 1, 1, 4, 4);
        using var pool = new MaxPool2d(Dev, "pool", 2, 2);
        Assert.Equal([3f, 2f, 5f, -1f], pool.Forward(x).ToArray());
        using var dy = Up([10, 20, 30, 40], 1, 1, 2, 2);
        var dx = pool.Backward(dy)!.ToArray();
        var expected = new float[16];
        expected[1] = 10; expected[2] = 20; expected[8] = 30; expected[10] = 40;
        Assert.Equal(expected, dx);
    }

    // Overlapping 2x2 windows, stride 1, over a 3x3 plane whose centre is the max of all four windows:
    // the centre's gradient is the sum of all four dy, every other input gets 0.
    [Fact]
    public void Overlapping_windows_sum_their_gradients_at_a_shared_max()
    {
        using var x = Up([0, 1, 0, 1, 9, 1, 0, 1, 0], 1, 1, 3, 3);
        using var pool = new MaxPool2d(Dev, "pool", 2, 1);
        Assert.Equal([9f, 9f, 9f, 9f], pool.Forward(x).ToArray());
        using var dy = Up([1, 2, 3, 4], 1, 1, 2, 2);
        Assert.Equal([0f, 0f, 0f, 0f, 10f, 0f, 0f, 0f, 0f], pool.Backward(dy)!.ToArray());
    }

    // Padding counts as -inf: with every input negative, no output may be the padding's 0.
    [Fact]
    public void Padding_never_wins()
    {
        using var x = Up([-4, -3, -2, -1], 1, 1, 2, 2);
        using var pool = new MaxPool2d(Dev, "pool", 2, 1, padding: 1);
        // windows over the padded 4x4 plane: each corner window sees one input, edge windows two, the centre all four
        Assert.Equal([-4f, -3f, -3f, -2f, -1f, -1f, -2f, -1f, -1f], pool.Forward(x).ToArray());
        using var dy = Up([1, 1, 1, 1, 1, 1, 1, 1, 1], 1, 1, 3, 3);
        Assert.Equal([1f, 2f, 2f, 4f], pool.Backward(dy)!.ToArray());
    }

    // Per (n, c) plane: the argmax indexes the whole input, so planes never mix.
    [Fact]
    public void Planes_are_pooled_separately()
    {
        var data = Enumerable.Range(0, 2 * 2 * 2 * 2).Select(i => (float)(i % 5)).ToArray();  // 0 1 2 3 | 4 0 1 2 | 3 4 0 1 | 2 3 4 0
        using var x = Up(data, 2, 2, 2, 2);
        using var pool = new MaxPool2d(Dev, "pool", 2, 2);
        Assert.Equal([3f, 4f, 4f, 4f], pool.Forward(x).ToArray());
        using var dy = Up([1, 2, 3, 4], 2, 2, 1, 1);
        Assert.Equal([0f, 0f, 0f, 1f, 2f, 0f, 0f, 0f, 0f, 3f, 0f, 0f, 0f, 0f, 4f, 0f], pool.Backward(dy)!.ToArray());
    }
}
