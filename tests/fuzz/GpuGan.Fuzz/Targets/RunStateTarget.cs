using System.Text.Json;
using GpuGan.Training;

namespace GpuGan.Fuzz.Targets;

/// <summary>The run state JSON a checkpoint carries (its options are config.json's contents), parsed and validated as a
/// resume, sample, eval or export does; fuzzed on its own because the checkpoint framing dilutes JSON mutations.</summary>
public sealed class RunStateTarget : FuzzTarget
{
    public override string Name => "run-state";
    public override string Description => "Checkpoint.ParseState: TrainState JSON with TrainOptions and ModelConfig, validated";
    public override string FileName => "state.json";
    public override IReadOnlyList<Type> Errors => [typeof(CheckpointException)];
    public override long AllocationBound(long inputBytes) => 4 * MiB + 32 * inputBytes;

    public override string Read(string path)
    {
        var state = Checkpoint.ParseState(File.ReadAllBytes(path), path);
        return $"iteration {state.Iteration}, model {state.Options.Model.Name}";
    }

    public override IEnumerable<(string, byte[])> Seeds()
    {
        var example = CheckpointTarget.Example().State;
        yield return ("dcgan28.json", JsonSerializer.SerializeToUtf8Bytes(example, Checkpoint.Json));
        yield return ("cdcgan28-ema.json", JsonSerializer.SerializeToUtf8Bytes(example with
        {
            Options = example.Options with { Model = example.Options.Model with { Name = "cdcgan28", Classes = 10 }, Ema = 0.999f },
            Counters = new() { ["G.bn1.num_batches_tracked"] = 20 },
        }, Checkpoint.Json));
    }
}
