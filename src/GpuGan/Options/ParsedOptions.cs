using System.Globalization;

namespace GpuGan.Options;

/// <summary>
/// Parses "--name value", "--name=value" and flags against a command's option table. A small hand-written
/// parser rather than System.CommandLine: the table doubles as the --help text, errors come out as one line
/// in this project's wording, and both the gpugan CLI and the bench use it from the library.
/// </summary>
public sealed class ParsedOptions
{
    readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);
    readonly string command;

    ParsedOptions(string command) => this.command = command;

    /// <summary>The command as errors name it ("train"); messages start with it.</summary>
    public string Command => command;

    /// <param name="program">how --help is invoked in hints: "gpugan" gives 'gpugan train --help'.</param>
    public static ParsedOptions Parse(string command, IReadOnlyList<OptionSpec> specs, IReadOnlyList<string> args, string program = "gpugan")
    {
        var parsed = new ParsedOptions(command);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            // -h is --help for every command that has a --help (the one short option).
            if (a == "-h" && specs.Any(s => s.Name == "help")) a = "--help";
            if (!a.StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"{command}: unexpected argument '{a}' (options start with --; see 'gpugan {command} --help')");
            string name = a[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            var spec = specs.FirstOrDefault(s => s.Name == name)
                ?? throw new UsageException($"{command}: unknown option --{name} (see '{program} {command} --help')");
            if (spec.Value == null)
            {
                if (inline != null) throw new UsageException($"{command}: --{name} takes no value");
                parsed.values[name] = null;
                continue;
            }
            string? v = inline;
            if (v == null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new UsageException($"{command}: --{name} needs a value ({spec.Value})");
                v = args[++i];
            }
            parsed.values[name] = v;
        }
        return parsed;
    }

    public bool Has(string name) => values.ContainsKey(name);

    public string? String(string name) => values.TryGetValue(name, out var v) ? v : null;

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        if (s == null) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new UsageException($"{command}: --{name} '{s}': expected an integer{Range(min, max)}");
        return v;
    }

    public long? Long(string name, long min = long.MinValue)
    {
        var s = String(name);
        if (s == null) return null;
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) || v < min)
            throw new UsageException($"{command}: --{name} '{s}': expected an integer{(min > long.MinValue ? $" >= {min}" : "")}");
        return v;
    }

    public ulong? ULong(string name)
    {
        var s = String(name);
        if (s == null) return null;
        if (!ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v))
            throw new UsageException($"{command}: --{name} '{s}': expected a non-negative integer");
        return v;
    }

    public float? Float(string name, float min = float.NegativeInfinity, float max = float.PositiveInfinity, bool exclusiveMin = false)
    {
        var s = String(name);
        if (s == null) return null;
        if (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v)
            || v < min || v > max || (exclusiveMin && v == min))
            throw new UsageException($"{command}: --{name} '{s}': expected a number{(exclusiveMin ? $" > {min}" : float.IsFinite(min) ? $" >= {min}" : "")}{(float.IsFinite(max) ? $" and <= {max}" : "")}");
        return v;
    }

    public double? Double(string name, double min = double.NegativeInfinity)
    {
        var s = String(name);
        if (s == null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v < min)
            throw new UsageException($"{command}: --{name} '{s}': expected a number{(double.IsFinite(min) ? $" >= {min}" : "")}");
        return v;
    }

    static string Range(int min, int max) =>
        min > int.MinValue && max < int.MaxValue ? $" from {min} to {max}" : min > int.MinValue ? $" >= {min}" : "";

    public static string Help(string usage, string summary, IReadOnlyList<OptionSpec> specs)
    {
        var lines = new List<string> { $"usage: {usage}", "", summary, "", "options:" };
        int width = specs.Max(s => s.Name.Length + (s.Value?.Length + 1 ?? 0)) + 4;
        foreach (var s in specs)
        {
            string left = $"  --{s.Name}{(s.Value != null ? " " + s.Value : "")}";
            string def = s.Default.Length > 0 ? $" (default: {s.Default})" : "";
            lines.Add($"{left.PadRight(width + 2)}{s.Help}{def}");
        }
        return string.Join(Environment.NewLine, lines);
    }
}
