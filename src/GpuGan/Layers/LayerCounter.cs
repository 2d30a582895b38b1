namespace GpuGan.Layers;

/// <summary>
/// An integer a layer keeps on the host and checkpoints save (BatchNorm's num_batches_tracked): exact at any size,
/// unlike a float tensor, and costing no device work. Named like a tensor ("G.bn0.num_batches_tracked").
/// </summary>
public sealed class LayerCounter(string name)
{
    public string Name { get; } = name;
    public long Value { get; set; }
}
