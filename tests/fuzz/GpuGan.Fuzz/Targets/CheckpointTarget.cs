using System.Buffers.Binary;
using System.IO.Hashing;
using GpuGan.Training;

namespace GpuGan.Fuzz.Targets;

/// <summary>Checkpoint.Load: header, run state, tensor table. The fuzzer's bytes get a correct CRC-32 trailer, so its
/// mutations reach the parser instead of all ending at the checksum (which the seed "bad-crc" still covers).</summary>
public sealed class CheckpointTarget : FuzzTarget
{
    public override string Name => "checkpoint";
    public override string Description => "Checkpoint.Load: header, run state JSON (options validated), tensors; CRC fixed up";
    public override string FileName => "checkpoints/checkpoint_00000020.gpugan";
    public override IReadOnlyList<Type> Errors => [typeof(CheckpointException)];

    // The file, its floats (as bytes and as floats), and the run state's JSON.
    public override long AllocationBound(long inputBytes) => 4 * MiB + 8 * inputBytes;

    /// <summary>Inputs starting with "RAW!" are left as they are (after the prefix), so a wrong CRC is fuzzed too.</summary>
    public override byte[] Prepare(byte[] input)
    {
        if (input.AsSpan().StartsWith("RAW!"u8)) return input[4..];
        if (input.Length < 4) return input;
        var fixedUp = (byte[])input.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(fixedUp.AsSpan(^4), Crc32.HashToUInt32(fixedUp.AsSpan(0, fixedUp.Length - 4)));
        return fixedUp;
    }

    public override string Read(string path)
    {
        var c = Checkpoint.Load(path);
        return $"iteration {c.State.Iteration}, {c.Tensors.Count} tensors";
    }

    public static Checkpoint Example() => new()
    {
        State = new TrainState { Options = new TrainOptions(), Iteration = 20, NoiseCounter = 7, Device = "cpu" },
        Tensors = new Dictionary<string, (int[], float[])>
        {
            ["G.fc.weight"] = ([2, 3], [1f, -2f, 3.5f, 0f, 1e-3f, -7f]),
            ["D.bn1.running_var"] = ([2], [1f, 0.25f]),
        },
    };

    public override IEnumerable<(string, byte[])> Seeds()
    {
        byte[] good = SeedFile.Bytes(p => Example().Save(p));
        yield return ("small.gpugan", good);
        var bad = (byte[])good.Clone();
        bad[^1] ^= 0xff;
        yield return ("bad-crc.gpugan", [.. "RAW!"u8, .. bad]);
    }
}
