namespace GpuGan.Device;

public enum DeviceKind { Auto, Cpu, Cuda, OpenCL }

/// <summary>A parsed <c>--device</c> value: auto | cpu | cuda[:N] | opencl[:N].</summary>
public readonly record struct DeviceSpec(DeviceKind Kind, int Index)
{
    public static DeviceSpec Auto => new(DeviceKind.Auto, 0);

    public static DeviceSpec Parse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        string name = s, index = "0";
        int colon = s.IndexOf(':');
        if (colon >= 0) { name = s[..colon]; index = s[(colon + 1)..]; }
        if (!int.TryParse(index, out int n) || n < 0)
            throw new DeviceException($"--device '{text}': the index after ':' must be a non-negative integer");
        const string Names = "expected auto, cpu, cuda[:N] or opencl[:N]";
        DeviceKind kind = name switch
        {
            "auto" => DeviceKind.Auto,
            "cpu" => DeviceKind.Cpu,
            "cuda" => DeviceKind.Cuda,
            "opencl" => DeviceKind.OpenCL,
            // 'gpu' once meant cuda:0 without saying so; which GPU it means is auto's job.
            "gpu" => throw new DeviceException($"--device '{text}': not a device name; {Names} (auto: CUDA, else an OpenCL GPU, else the CPU)"),
            // 'cl' was an undocumented second name for opencl: one name means one thing.
            "cl" => throw new DeviceException($"--device '{text}': not a device name; {Names} (OpenCL is spelled opencl)"),
            _ => throw new DeviceException($"--device '{text}': {Names}"),
        };
        if (colon >= 0 && kind is DeviceKind.Auto or DeviceKind.Cpu)
            throw new DeviceException($"--device '{text}': only cuda and opencl take an index");
        return new DeviceSpec(kind, n);
    }

    public override string ToString() => Kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => $"cuda:{Index}",
        _ => $"opencl:{Index}",
    };
}
