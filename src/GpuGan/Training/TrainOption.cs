using GpuGan.Options;

namespace GpuGan.Training;

/// <summary>
/// One training option, one row of <see cref="TrainOptionTable"/>: its flag, the <see cref="TrainOptions"/>
/// property it sets, its help, its kind and its validation. The CLI, --help, resume and
/// <see cref="TrainOptions.Validate"/> all read the row, so nothing else spells the option.
/// </summary>
public abstract class TrainOption
{
    public required string Flag { get; init; }
    /// <summary>The property it sets ("BatchSize", "Model.LatentSize"); null for a shorthand that sets others (--lr).</summary>
    public string? Property { get; init; }
    public required string Value { get; init; }
    public required string Default { get; init; }
    public required string Help { get; init; }
    public TrainOptionKind Kind { get; init; } = TrainOptionKind.Training;
    /// <summary>False where gpugan profile sets it itself (length, out, intervals).</summary>
    public bool ForProfile { get; init; } = true;
    /// <summary>Run-control rows of one group are taken from the command line together on resume, so
    /// --iterations on resume clears the run's --epochs.</summary>
    public string? ResumeGroup { get; init; }

    public OptionSpec Spec => new(Flag, Value, Default, Help);

    /// <summary>Parses text and sets it; a FormatException carries the problem ("expected an integer").</summary>
    public abstract TrainOptions Apply(TrainOptions options, string text);

    /// <summary>What is wrong with this row's value in options ("must be >= 1, not 0"), or null.</summary>
    public abstract string? Problem(TrainOptions options);

    public abstract bool Same(TrainOptions a, TrainOptions b);

    public abstract TrainOptions CopyFrom(TrainOptions source, TrainOptions target);
}

/// <summary>A row whose value has type T (nullable where the property is).</summary>
public sealed class TrainOption<T> : TrainOption
{
    public required Func<TrainOptions, T> Get { get; init; }
    public required Func<TrainOptions, T, TrainOptions> Set { get; init; }
    public required Func<string, T> Parse { get; init; }
    /// <summary>The value's problem ("must be >= 2"), or null; one check for the CLI and the library.</summary>
    public Func<T, string?> Check { get; init; } = _ => null;
    /// <summary>Resume comparison where plain equality of Get is not it (--d-steps compares the effective count).</summary>
    public Func<TrainOptions, TrainOptions, bool>? SameWhen { get; init; }

    public override TrainOptions Apply(TrainOptions options, string text)
    {
        var value = Parse(text);
        return Check(value) is { } problem ? throw new FormatException(problem) : Set(options, value);
    }

    public override string? Problem(TrainOptions options)
    {
        var value = Get(options);
        return Check(value) is { } problem ? FormattableString.Invariant($"{problem}, not {value}") : null;
    }

    public override bool Same(TrainOptions a, TrainOptions b) =>
        SameWhen?.Invoke(a, b) ?? EqualityComparer<T>.Default.Equals(Get(a), Get(b));

    public override TrainOptions CopyFrom(TrainOptions source, TrainOptions target) => Set(target, Get(source));
}
