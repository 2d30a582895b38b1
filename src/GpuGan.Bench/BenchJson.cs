using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuGan.Bench;

public static class BenchJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep "->" readable in op names
    };

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };
}

/// <summary>What <c>--json FILE</c> writes: machine, options and both sides' results.</summary>
public sealed record BenchReport(
    string Command, MachineInfo Machine, int TorchThreads, string TorchSharpVersion, GpuGanInfo GpuGan,
    List<BenchResult>? Torch, IReadOnlyList<BenchResult>? GpuGanKernels,
    TrainResult? TorchTrain, TrainResult? GpuGanTrain);

/// <summary>GpuGan's accelerator and the protocol its side ran with (kernels: warm-up/reps/time; train: iterations).</summary>
public sealed record GpuGanInfo(string Accelerator, string Kind, int? Warmup, int? MinReps, double? MinSeconds, int? TrainIterations);
