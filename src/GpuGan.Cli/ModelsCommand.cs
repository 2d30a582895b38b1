using GpuGan.Options;
using System.Globalization;
using GpuGan.Device;
using GpuGan.Models;

namespace GpuGan.Cli;

/// <summary>gpugan models: every registered model with its parameter counts and input at its default sizes.</summary>
public static class ModelsCommand
{
    public static readonly OptionSpec[] Specs = [new("help", null, "", "show this help")];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var o = ParsedOptions.Parse("models", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan models", "Lists the models --model can pick (parameter counts at the default sizes).", Specs));
            return 0;
        }
        // Counting builds each network; the CPU accelerator is always there and allocating on it is cheap.
        using var dev = ComputeDevice.CreateCpu(threads: 1);
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"{"model",-10} {"G params",12} {"D params",12}  {"input",-20} {"widths (G, D)",-14} summary");
        foreach (var m in ModelCatalog.All)
        {
            var c = m.Defaults;
            var (g, d) = m.ParameterCounts(dev, c);
            stdout.WriteLine(string.Format(inv, "{0,-10} {1,12:N0} {2,12:N0}  {3,-20} {4,-14} {5}",
                m.Name, g, d, c.Input, $"{c.GeneratorWidth}, {c.DiscriminatorWidth}", m.Summary));
        }
        return 0;
    }
}
