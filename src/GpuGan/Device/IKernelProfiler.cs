namespace GpuGan.Device;

/// <summary>
/// Receives every kernel launch made through the op dispatch, the layer sections around them and the host
/// spans of the trainer. Null on a device by default, so an unprofiled run pays one null check per launch.
/// </summary>
public interface IKernelProfiler
{
    void Begin(string kernel);
    void End(string kernel, double flops, double bytes);

    /// <summary>Attribution only: launches until the matching EndSection belong to this section (e.g. "D.conv2.forward").</summary>
    void BeginSection(string section) { }
    void EndSection() { }

    /// <summary>Host work that is not a kernel (data loading, copies, logging).</summary>
    void BeginHost(string span) { }
    void EndHost(string span) { }
}

/// <summary>Brackets one launch for the device's profiler, if any (a struct: no allocation).</summary>
public readonly struct KernelScope : IDisposable
{
    readonly IKernelProfiler? profiler;
    readonly string kernel;
    readonly double flops, bytes;

    public KernelScope(IKernelProfiler? profiler, string kernel, double flops, double bytes)
    {
        this.profiler = profiler;
        this.kernel = kernel;
        this.flops = flops;
        this.bytes = bytes;
        profiler?.Begin(kernel);
    }

    public void Dispose() => profiler?.End(kernel, flops, bytes);
}

/// <summary>Brackets a layer section or a host span (a struct: no allocation).</summary>
public readonly struct ProfileSection : IDisposable
{
    readonly IKernelProfiler? profiler;
    readonly string? host;

    ProfileSection(IKernelProfiler? profiler, string? host)
    {
        this.profiler = profiler;
        this.host = host;
    }

    public static ProfileSection Section(IKernelProfiler? p, string name)
    {
        p?.BeginSection(name);
        return new ProfileSection(p, null);
    }

    public static ProfileSection Host(IKernelProfiler? p, string name)
    {
        p?.BeginHost(name);
        return new ProfileSection(p, name);
    }

    public void Dispose()
    {
        if (profiler == null) return;
        if (host != null) profiler.EndHost(host);
        else profiler.EndSection();
    }
}
