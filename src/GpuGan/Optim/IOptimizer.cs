using GpuGan.Device;
using GpuGan.Layers;

namespace GpuGan.Optim;

/// <summary>Updates a fixed set of parameters from their gradients; its state is saved in checkpoints.</summary>
public interface IOptimizer : IDisposable
{
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Number of steps taken (Adam's t).</summary>
    long Steps { get; set; }

    /// <summary>Learning rate, changeable between steps.</summary>
    float LearningRate { get; set; }

    void Step();

    /// <summary>Sets every parameter gradient to zero (gradients accumulate until then).</summary>
    void ZeroGrad();

    /// <summary>Per-parameter state tensors (e.g. Adam's m and v) by name, for checkpoints.</summary>
    IEnumerable<(string Name, Tensor Value)> State { get; }
}
