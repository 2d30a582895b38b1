namespace GpuGan.Models;

/// <summary>
/// A model size a definition cannot build, naming the ModelConfig property (the library's name for it);
/// TrainOptions.Validate turns it into its option row, so the command line names the flag instead.
/// </summary>
public sealed class ModelConfigException(string property, string problem)
    : ArgumentException($"{nameof(ModelConfig)}.{property} {problem}")
{
    /// <summary>The ModelConfig property, e.g. nameof(ModelConfig.ImageSize).</summary>
    public string Property { get; } = property;

    /// <summary>The problem without the property's name, e.g. "30: the dcgan28 model needs a multiple of 4 (>= 8)".</summary>
    public string Problem { get; } = problem;
}
