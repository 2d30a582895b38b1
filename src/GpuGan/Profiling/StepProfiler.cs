using System.Diagnostics;
using GpuGan.Device;
using ILGPU.Runtime;

namespace GpuGan.Profiling;

/// <summary>
/// Times every kernel launch with ILGPU profiling markers (device-side events on CUDA and OpenCL, host
/// timestamps on the CPU accelerator; the context must be created with profiling on), and host spans and
/// layer sections with a stopwatch. Attach to <see cref="ComputeDevice.Profiler"/> only while measuring.
/// Markers are resolved at <see cref="EndStep"/> so the GPU is not synchronised after every launch.
/// </summary>
public sealed class StepProfiler : IKernelProfiler
{
    readonly ComputeDevice dev;
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly Stack<(string Name, double Start)> sections = new();
    readonly Stack<(string Name, double Start)> hosts = new();
    readonly List<(string Name, string Section, ProfilingMarker Start, ProfilingMarker? End, double Flops, double Bytes, double HostStart)> pending = new();
    ProfilingMarker? origin;
    double originHostUs;
    (string Name, string Section, ProfilingMarker Start, double Flops, double Bytes, double HostStart)? open;

    public StepProfiler(ComputeDevice device) => dev = device;

    public List<ProfileEvent> Events { get; } = new();
    public List<double> StepMilliseconds { get; } = new();
    public int Step { get; private set; } = -1;

    double NowUs => clock.Elapsed.TotalMicroseconds;

    string CurrentSection => sections.Count > 0 ? sections.Peek().Name : "(none)";

    public void BeginStep()
    {
        dev.Synchronize();
        Step++;
        origin ??= dev.Accelerator.AddProfilingMarker();
        if (Step == 0) originHostUs = NowUs;
        stepStartUs = NowUs;
    }

    double stepStartUs;

    /// <summary>Waits for the device, resolves the step's markers into events and records the step's wall time.</summary>
    public void EndStep()
    {
        dev.Synchronize();
        StepMilliseconds.Add((NowUs - stepStartUs) / 1000.0);
        foreach (var p in pending)
        {
            double start = (p.Start - origin!).TotalMilliseconds * 1000.0;
            double dur = (p.End! - p.Start).TotalMilliseconds * 1000.0;
            Events.Add(new ProfileEvent(ProfileEventKind.Kernel, p.Name, p.Section, Step, start, Math.Max(0, dur), p.Flops, p.Bytes));
            p.Start.Dispose();
            p.End!.Dispose();
        }
        pending.Clear();
    }

    public void Begin(string kernel)
    {
        var start = dev.Accelerator.AddProfilingMarker();
        open = (kernel, CurrentSection, start, 0, 0, NowUs);
    }

    public void End(string kernel, double flops, double bytes)
    {
        // The CPU accelerator's markers are host timestamps: wait for the work so the end mark is honest.
        if (dev.Kind == DeviceKind.Cpu) dev.Synchronize();
        var end = dev.Accelerator.AddProfilingMarker();
        var o = open ?? throw new InvalidOperationException($"profiler: End({kernel}) without Begin");
        pending.Add((o.Name, o.Section, o.Start, end, flops, bytes, o.HostStart));
        open = null;
    }

    public void BeginSection(string section) => sections.Push((section, NowUs));

    public void EndSection()
    {
        var (name, start) = sections.Pop();
        Events.Add(new ProfileEvent(ProfileEventKind.Section, name, sections.Count > 0 ? sections.Peek().Name : "", Step, start - originHostUs, NowUs - start, 0, 0));
    }

    public void BeginHost(string span)
    {
        if (dev.Kind == DeviceKind.Cpu) dev.Synchronize();
        hosts.Push((span, NowUs));
    }

    public void EndHost(string span)
    {
        var (name, start) = hosts.Pop();
        Events.Add(new ProfileEvent(ProfileEventKind.Host, name, CurrentSection, Step, start - originHostUs, NowUs - start, 0, 0));
    }
}
