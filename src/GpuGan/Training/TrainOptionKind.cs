namespace GpuGan.Training;

/// <summary>What a resumed run may do with an option.</summary>
public enum TrainOptionKind
{
    /// <summary>Shapes the training (seed, batch, optimiser, loss): must match the checkpoint on resume.</summary>
    Training,
    /// <summary>Shapes G and D: must match the checkpoint on resume.</summary>
    Model,
    /// <summary>Where and for how long the run goes (data, out, iterations, intervals): may change on resume.</summary>
    RunControl,
}
