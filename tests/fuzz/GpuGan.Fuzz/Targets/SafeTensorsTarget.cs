using GpuGan.Data;

namespace GpuGan.Fuzz.Targets;

/// <summary>SafeTensors.Read: the header JSON, dtypes, shapes and offsets, then the data (train --init-g/--init-d, sample --weights).</summary>
public sealed class SafeTensorsTarget : FuzzTarget
{
    public override string Name => "safetensors";
    public override string Description => "SafeTensors.Read: header JSON, dtypes, shapes, data offsets (F32, I64)";
    public override string FileName => "weights.safetensors";
    public override IReadOnlyList<Type> Errors => [typeof(DataException)];

    // The tensors are at most the file; the header is parsed once into a JsonDocument.
    public override long AllocationBound(long inputBytes) => 4 * MiB + 8 * inputBytes;

    public override string Read(string path)
    {
        var contents = SafeTensors.Read(path);
        return $"{contents.Tensors.Count} tensors, {contents.Metadata.Count} metadata entries";
    }

    public override IEnumerable<(string, byte[])> Seeds()
    {
        yield return ("two-f32.safetensors", SeedFile.Bytes(p => SafeTensors.Write(p,
            [("G.fc.weight", [2, 3], [1f, -2f, 3.5f, 0f, 1e-3f, -7f]), ("G.fc.bias", [2], [0.5f, -0.5f])],
            new Dictionary<string, string> { ["format"] = "pt", ["gpugan.model"] = "dcgan28" })));
        yield return ("f32-and-i64.safetensors", SeedFile.Bytes(p => SafeTensors.Write(p,
            [("bn.running_mean", new SafeTensors.Tensor([3], [0.1f, 0.2f, 0.3f])),
             ("bn.num_batches_tracked", SafeTensors.Tensor.OfInt64([], [42]))])));
    }
}
