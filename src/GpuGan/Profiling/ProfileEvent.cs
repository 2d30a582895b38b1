namespace GpuGan.Profiling;

public enum ProfileEventKind { Kernel, Host, Section }

/// <summary>One timed span: a kernel launch, a host span or a layer section. Times in microseconds from the profile's origin.</summary>
public sealed record ProfileEvent(ProfileEventKind Kind, string Name, string Section, int Step, double StartUs, double DurationUs,
    double Flops, double Bytes);
