namespace GpuGan.Check;

/// <summary>What one device run of a problem returned: outputs, gradients, and contract violations seen on the way.</summary>
public sealed class RunResult
{
    public Dictionary<string, float[]> Outputs { get; } = new();
    public Dictionary<string, float[]> Grads { get; } = new();
    /// <summary>Broken contracts other than wrong values (a write outside the output, a buffer changed that must not be).</summary>
    public List<string> Violations { get; } = new();
}
