namespace GpuGan.Check;

public enum Role
{
    /// <summary>An input whose gradient the op writes (prefilled with NaN by the harness).</summary>
    Input,
    /// <summary>A parameter whose gradient the op accumulates (prefilled with random c: expect c + grad).</summary>
    Param,
    /// <summary>No gradient (running statistics, optimizer state...).</summary>
    Const,
}

/// <summary>One named operand: its shape and the exact float values given to the device (the reference sees them as doubles).</summary>
public sealed record Operand(string Name, int[] Shape, float[] Data, Role Role);
