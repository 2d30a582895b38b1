namespace GpuGan.Device;

/// <summary>
/// Receives every kernel launch made through the op dispatch. Null on a device by default, so an
/// unprofiled run pays one null check per launch.
/// </summary>
public interface IKernelProfiler
{
    void Begin(string kernel);
    void End(string kernel, double flops, double bytes);
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
