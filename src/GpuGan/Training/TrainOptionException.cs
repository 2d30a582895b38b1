namespace GpuGan.Training;

/// <summary>
/// A TrainOptions value that fails its row's validation. The message names properties
/// ("TrainOptions.BatchSize must be >= 2 ..."); a command line formats the same problem with its flags.
/// </summary>
public sealed class TrainOptionException(IReadOnlyList<TrainOption> rows, string template)
    : ArgumentException(Format(rows, template, r => $"{nameof(TrainOptions)}.{r.Property}"))
{
    public IReadOnlyList<TrainOption> Rows { get; } = rows;

    /// <summary>The problem with {0}, {1}... standing for the rows.</summary>
    public string Template { get; } = template;

    /// <summary>The problem naming each row as name(row) does, e.g. "--" + Flag.</summary>
    public string Format(Func<TrainOption, string> name) => Format(Rows, Template, name);

    static string Format(IReadOnlyList<TrainOption> rows, string template, Func<TrainOption, string> name) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, template, rows.Select(name).ToArray<object>());
}
