using GpuGan.Device;
using Xunit;

namespace GpuGan.Tests.Tensors;

public sealed class TensorTests
{
    [Fact]
    public void A_disposed_tensor_and_its_views_throw_naming_it()
    {
        using var dev = ComputeDevice.CreateCpu();
        var t = dev.Allocate(2, 3);
        t.Name = "weights";
        t.CopyFrom([1, 2, 3, 4, 5, 6]);
        var flat = t.Reshape(6);
        var square = flat.Reshape(3, 2);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, square.ToArray());
        t.Dispose();
        t.Dispose();    // twice is harmless

        Assert.True(flat.IsDisposed);
        var own = Assert.Throws<ObjectDisposedException>(() => t.ToArray());
        Assert.Contains("Tensor(2, 3) 'weights' was read after its memory was freed (the tensor was disposed)", own.Message);
        Assert.Equal("Tensor(2, 3) 'weights'", own.ObjectName);
        var view = Assert.Throws<ObjectDisposedException>(() => square.ToArray());
        Assert.Contains("Tensor(3, 2) 'weights' was read after its memory was freed (the tensor it views, Tensor(2, 3) 'weights', was disposed)", view.Message);
        Assert.Throws<ObjectDisposedException>(() => flat.View);
        Assert.Throws<ObjectDisposedException>(() => flat.CopyTo(new float[6]));
        Assert.Throws<ObjectDisposedException>(() => t.CopyFrom(new float[6]));
        Assert.Throws<ObjectDisposedException>(() => t.Reshape(6));
        // Its shape stays readable.
        Assert.Equal(6, flat.Length);
        Assert.Equal([3, 2], square.Shape);
    }

    [Fact]
    public void Disposing_a_view_frees_nothing()
    {
        using var dev = ComputeDevice.CreateCpu();
        using var t = dev.Allocate(4);
        t.CopyFrom([1, 2, 3, 4]);
        t.Reshape(2, 2).Dispose();
        Assert.False(t.IsDisposed);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, t.ToArray());
        Assert.Equal("Tensor(4)", t.ToString());
    }
}
