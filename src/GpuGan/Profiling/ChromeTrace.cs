using System.Text.Json;

namespace GpuGan.Profiling;

/// <summary>
/// Writes the profiled events in the Trace Event Format (the JSON that chrome://tracing and Perfetto open):
/// complete events ("ph": "X") with microsecond timestamps, kernels, host spans and layer sections on
/// separate named tracks.
/// </summary>
public static class ChromeTrace
{
    public const int Pid = 1;
    public const int KernelTid = 1, HostTid = 2, SectionTid = 3;

    public static void Save(string path, IEnumerable<ProfileEvent> events, string device)
    {
        var list = new List<Dictionary<string, object>>
        {
            Meta("process_name", 0, $"gpugan ({device})"),
            Meta("thread_name", KernelTid, "kernels"),
            Meta("thread_name", HostTid, "host spans"),
            Meta("thread_name", SectionTid, "layers / phases"),
        };
        foreach (var e in events)
        {
            var args = new Dictionary<string, object> { ["step"] = e.Step, ["section"] = e.Section };
            if (e.Kind == ProfileEventKind.Kernel)
            {
                args["flops"] = e.Flops;
                args["bytes"] = e.Bytes;
            }
            list.Add(new Dictionary<string, object>
            {
                ["name"] = e.Name,
                ["cat"] = e.Kind.ToString().ToLowerInvariant(),
                ["ph"] = "X",
                ["ts"] = Math.Round(e.StartUs, 3),
                ["dur"] = Math.Round(e.DurationUs, 3),
                ["pid"] = Pid,
                ["tid"] = e.Kind switch { ProfileEventKind.Kernel => KernelTid, ProfileEventKind.Host => HostTid, _ => SectionTid },
                ["args"] = args,
            });
        }
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object> { ["traceEvents"] = list, ["displayTimeUnit"] = "ms" }));
    }

    static Dictionary<string, object> Meta(string name, int tid, string value) => new()
    {
        ["name"] = name, ["ph"] = "M", ["pid"] = Pid, ["tid"] = tid, ["args"] = new Dictionary<string, object> { ["name"] = value },
    };
}
