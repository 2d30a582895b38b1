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
    string Command, MachineInfo Machine, int TorchThreads, string TorchSharpVersion,
    List<BenchResult>? Torch, IReadOnlyList<BenchResult>? GpuGan,
    TrainResult? TorchTrain, TrainResult? GpuGanTrain);
