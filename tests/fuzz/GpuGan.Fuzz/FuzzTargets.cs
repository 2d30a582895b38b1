using GpuGan.Fuzz.Targets;

namespace GpuGan.Fuzz;

/// <summary>Every reader under fuzzing; adding a reader is adding a target here.</summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        new IdxImagesTarget(), new IdxLabelsTarget(), new ImageFileTarget(), new CheckpointTarget(),
        new RunStateTarget(), new SafeTensorsTarget(), new MetricsLogTarget(),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
