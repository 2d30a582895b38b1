namespace GpuGan.Device;

/// <summary>One device seen while choosing: what it is and, when it cannot be used, why.</summary>
public sealed record DeviceReport(string Id, string Name, string Type, long MemoryBytes, int WarpSize, int MaxGroupSize,
    bool Usable, bool ChosenByAuto, string? SkipReason);
