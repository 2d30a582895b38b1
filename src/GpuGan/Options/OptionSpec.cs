namespace GpuGan.Options;

/// <summary>One option of a command: its name, value placeholder (null: a flag), default shown in --help, and help text.</summary>
public sealed record OptionSpec(string Name, string? Value, string Default, string Help);
