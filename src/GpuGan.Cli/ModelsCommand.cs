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
        var models = ModelCatalog.All;
        int inputWidth = Math.Max(20, models.Max(m => m.Defaults.Input.ToString().Length));
        stdout.WriteLine(string.Format(inv, "{0,-10} {1,12} {2,12}  {3} {4,-14} summary", "model", "G params", "D params", "input".PadRight(inputWidth), "widths (G, D)"));
        foreach (var m in models)
        {
            var c = m.Defaults;
            var (g, d) = m.ParameterCounts(dev, c);
            stdout.WriteLine(string.Format(inv, "{0,-10} {1,12:N0} {2,12:N0}  {3} {4,-14} {5}",
                m.Name, g, d, c.Input.ToString().PadRight(inputWidth), $"{c.GeneratorWidth}, {c.DiscriminatorWidth}", m.Summary));
        }
        return 0;
    }
}
