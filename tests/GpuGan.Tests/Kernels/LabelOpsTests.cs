using GpuGan.Device;
using GpuGan.Ops;
using Xunit;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// What the op table does not cover for the class-conditional ops: a label outside [0, classes) (callers check on
/// the host; the kernel must still stay inside the table) and the shape checks.
/// </summary>
[Collection(CpuFamilyCollection.Name)]
public class LabelOpsTests(CpuFamilyFixture fixture)
{
    [Fact]
    public void Embedding_label_out_of_range_gives_a_NaN_row_and_no_gradient() => AssertLabelOutOfRange(fixture.Device);

    /// <summary>Also run on the host variant (<see cref="HostKernelTests"/>).</summary>
    internal static void AssertLabelOutOfRange(ComputeDevice dev)
    {
        using var labels = dev.AllocateInts(3);
        labels.CopyFrom([1, -1, 2]);                       // -1 and 2 are outside 2 classes
        using var table = dev.Allocate(2, 2);
        table.CopyFrom([1f, 2f, 3f, 4f]);
        using var y = dev.Allocate(3, 2);
        EmbeddingOps.Forward(dev, labels.View, table.View, y.View, 3, 2, 2);
        var got = y.ToArray();
        Assert.Equal([3f, 4f], got[..2]);
        Assert.All(got[2..], v => Assert.True(float.IsNaN(v)));

        using var dy = dev.Allocate(3, 2);
        dy.CopyFrom([1f, 10f, 100f, 1000f, 5f, 7f]);
        using var dTable = dev.Allocate(2, 2);
        dTable.CopyFrom([0.5f, 0.5f, 0.5f, 0.5f]);
        EmbeddingOps.Backward(dev, labels.View, dy.View, dTable.View, 3, 2, 2);
        Assert.Equal([0.5f, 0.5f, 1.5f, 10.5f], dTable.ToArray());
    }

    [Fact]
    public void Shapes_are_checked()
    {
        var dev = fixture.Device;
        using var labels = dev.AllocateInts(4);
        using var small = dev.Allocate(6);
        using var big = dev.Allocate(64);
        using var output = dev.Allocate(64);
        Assert.Throws<ArgumentException>(() => EmbeddingOps.Forward(dev, labels.View, big.View, small.View, 4, 2, 3));   // y needs 12
        Assert.Throws<ArgumentException>(() => EmbeddingOps.Backward(dev, labels.View, big.View, big.View, 4, 0, 3));    // no classes
        Assert.Throws<ArgumentException>(() => ConcatOps.Channels(dev, big.View, small.View, big.View, 2, 3, 4, 1, false)); // b needs 8
        ConcatOps.Channels(dev, big.View, small.View, output.View, 2, 3, 3, 1, false);                           // sizes that fit pass
        Assert.Throws<ArgumentException>(() => ConcatOps.SplitChannels(dev, small.View, null, big.View, 2, 3, 4, 1, true)); // dy needs 14
        Assert.Throws<ArgumentException>(() => RowDotOps.Forward(dev, big.View, small.View, big.View, 2, 5, false));   // b needs 10
        Assert.Throws<ArgumentException>(() => RowDotOps.Backward(dev, big.View, big.View, big.View, small.View, null, 2, 5, true)); // da needs 10
        Assert.Throws<ArgumentException>(() => RowDotOps.Forward(dev, big.View, big.View, big.View, 0, 5, false));
    }
}
