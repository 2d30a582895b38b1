using System.Globalization;
using GpuGan.Losses;
using GpuGan.Models;
using GpuGan.Options;

namespace GpuGan.Training;

/// <summary>
/// Every training option, one row each: flag, TrainOptions property, help, kind (must match on resume or
/// may change), validation. The train and profile options, their --help, TrainOptions from a command line,
/// the resume comparison and TrainOptions.Validate are derived from these rows; config.json and the
/// checkpoint's copy are TrainOptions serialised, so the row's property is its key. A new option is a
/// property on TrainOptions, a row here, and the line that uses it.
/// </summary>
public static class TrainOptionTable
{
    static readonly TrainOptions D = new();
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static readonly TrainOption<string?> Data = new()
    {
        Flag = "data", Property = nameof(TrainOptions.DataPath), Value = "PATH", Kind = TrainOptionKind.RunControl,
        Default = "the embedded 9,000-digit MNIST subset", Help = "IDX file, folder with train-images-idx3-ubyte[.gz], or image folder",
        Get = o => o.DataPath, Set = (o, v) => o with { DataPath = v }, Parse = s => s,
    };

    public static readonly TrainOption<string> Out = new()
    {
        Flag = "out", Property = nameof(TrainOptions.OutDir), Value = "DIR", Kind = TrainOptionKind.RunControl, ForProfile = false,
        Default = D.OutDir, Help = "run folder: samples/, checkpoints/, metrics.jsonl, loss.svg, config.json; one that holds another run is refused (--resume it, or --force-new)",
        Get = o => o.OutDir, Set = (o, v) => o with { OutDir = v }, Parse = s => s,
        Check = v => v.Length == 0 ? "must not be empty" : null,
    };

    public static readonly TrainOption<long?> Iterations = new()
    {
        Flag = "iterations", Property = nameof(TrainOptions.Iterations), Value = "N", Kind = TrainOptionKind.RunControl, ForProfile = false, ResumeGroup = "length",
        Default = $"{TrainOptions.DefaultIterations}; {TrainOptions.DefaultIlgpuCpuIterations} with --cpu-kernels ilgpu",
        Help = "generator updates to run (ILGPU's scalar CPU kernels take seconds per iteration, hence their short default)",
        Get = o => o.Iterations, Set = (o, v) => o with { Iterations = v }, Parse = s => ParseLong(s), Check = v => v is < 1 ? "must be >= 1" : null,
    };

    public static readonly TrainOption<int?> Epochs = new()
    {
        Flag = "epochs", Property = nameof(TrainOptions.Epochs), Value = "N", Kind = TrainOptionKind.RunControl, ForProfile = false, ResumeGroup = "length",
        Default = "", Help = "passes over the data instead of --iterations",
        Get = o => o.Epochs, Set = (o, v) => o with { Epochs = v }, Parse = s => ParseInt(s), Check = v => v is < 1 ? "must be >= 1" : null,
    };

    public static readonly TrainOption<ulong> Seed = new()
    {
        Flag = "seed", Property = nameof(TrainOptions.Seed), Value = "N",
        Default = D.Seed.ToString(Inv), Help = "seed of initialisation, noise and shuffling",
        Get = o => o.Seed, Set = (o, v) => o with { Seed = v },
        Parse = s => ulong.TryParse(s, NumberStyles.Integer, Inv, out var v) ? v : throw new FormatException("expected a non-negative integer"),
    };

    public static readonly TrainOption<int> BatchSize = new()
    {
        Flag = "batch-size", Property = nameof(TrainOptions.BatchSize), Value = "N",
        Default = D.BatchSize.ToString(Inv), Help = "images per batch (the partial last batch of an epoch is dropped)",
        Get = o => o.BatchSize, Set = (o, v) => o with { BatchSize = v }, Parse = ParseInt,
        Check = v => v < 2 ? "must be >= 2 (BatchNorm needs more than one sample)" : v > 1 << 20 ? "must be <= 1048576" : null,
    };

    /// <summary>Shorthand for --lr-d and --lr-g (which, given too, win: rows apply in table order).</summary>
    public static readonly TrainOption<float> Lr = new()
    {
        Flag = "lr", Value = "X", Default = "2e-4", Help = "learning rate of both D and G",
        Get = o => o.LrD, Set = (o, v) => o with { LrD = v, LrG = v }, Parse = ParseFloat, Check = LearningRate,
        SameWhen = (a, b) => a.LrD == b.LrD && a.LrG == b.LrG,
    };

    public static readonly TrainOption<float> LrD = new()
    {
        Flag = "lr-d", Property = nameof(TrainOptions.LrD), Value = "X", Default = "--lr", Help = "learning rate of D",
        Get = o => o.LrD, Set = (o, v) => o with { LrD = v }, Parse = ParseFloat, Check = LearningRate,
    };

    public static readonly TrainOption<float> LrG = new()
    {
        Flag = "lr-g", Property = nameof(TrainOptions.LrG), Value = "X", Default = "--lr", Help = "learning rate of G",
        Get = o => o.LrG, Set = (o, v) => o with { LrG = v }, Parse = ParseFloat, Check = LearningRate,
    };

    public static readonly TrainOption<float> Beta1 = new()
    {
        Flag = "beta1", Property = nameof(TrainOptions.Beta1), Value = "X", Default = "0.5", Help = "Adam beta1",
        Get = o => o.Beta1, Set = (o, v) => o with { Beta1 = v }, Parse = ParseFloat, Check = AdamBeta,
    };

    public static readonly TrainOption<float> Beta2 = new()
    {
        Flag = "beta2", Property = nameof(TrainOptions.Beta2), Value = "X", Default = "0.999", Help = "Adam beta2",
        Get = o => o.Beta2, Set = (o, v) => o with { Beta2 = v }, Parse = ParseFloat, Check = AdamBeta,
    };

    public static readonly TrainOption<GanLossKind> Loss = new()
    {
        Flag = "loss", Property = nameof(TrainOptions.Loss), Value = "KIND", Default = "bce", Help = "bce (non-saturating G), minimax, lsgan, hinge or wgan",
        Get = o => o.Loss, Set = (o, v) => o with { Loss = v }, Parse = s => Rethrow(() => GanLoss.Parse(s), "expected bce, minimax, lsgan, hinge or wgan"),
    };

    public static readonly TrainOption<int?> DSteps = new()
    {
        Flag = "d-steps", Property = nameof(TrainOptions.DSteps), Value = "N", Default = "1; 5 for wgan", Help = "D updates per G update",
        Get = o => o.DSteps, Set = (o, v) => o with { DSteps = v }, Parse = s => ParseInt(s),
        Check = v => v is < 1 or > 1000 ? "must be from 1 to 1000" : null,
        SameWhen = (a, b) => a.EffectiveDSteps == b.EffectiveDSteps,
    };

    public static readonly TrainOption<float> Clip = new()
    {
        Flag = "clip", Property = nameof(TrainOptions.Clip), Value = "X", Default = "0.01", Help = "WGAN critic weight clipping bound",
        Get = o => o.Clip, Set = (o, v) => o with { Clip = v }, Parse = ParseFloat, Check = v => v > 0 ? null : "must be > 0",
    };

    public static readonly TrainOption<float> LabelSmoothing = new()
    {
        Flag = "label-smoothing", Property = nameof(TrainOptions.LabelSmoothing), Value = "X", Default = "1 (off)",
        Help = "D's target for real images with the bce, minimax and lsgan losses, e.g. 0.9 (one-sided label smoothing; hinge and wgan have no target)",
        Get = o => o.LabelSmoothing, Set = (o, v) => o with { LabelSmoothing = v }, Parse = ParseFloat,
        Check = v => v is > 0 and <= 1 ? null : "must be > 0 and <= 1",
    };

    public static readonly TrainOption<NoiseDistribution> Noise = new()
    {
        Flag = "noise", Property = nameof(TrainOptions.Noise), Value = "KIND", Default = "normal", Help = "latent noise: normal or uniform (in [-1, 1])",
        Get = o => o.Noise, Set = (o, v) => o with { Noise = v },
        Parse = s => s.ToLowerInvariant() switch
        {
            "normal" or "gaussian" => NoiseDistribution.Normal,
            "uniform" => NoiseDistribution.Uniform,
            _ => throw new FormatException("expected normal or uniform"),
        },
    };

    public static readonly TrainOption<float> Ema = new()
    {
        Flag = "ema", Property = nameof(TrainOptions.Ema), Value = "DECAY", Default = "0 (off)",
        Help = "keep an exponential moving average of G's weights with this decay, e.g. 0.999; samples and eval use it",
        Get = o => o.Ema, Set = (o, v) => o with { Ema = v }, Parse = ParseFloat,
        Check = v => v is >= 0 and < 1 ? null : "must be in [0, 1)",
    };

    // Training rows, so a resumed run keeps them (and never applies them again: the checkpoint's weights win).
    public static readonly TrainOption<string?> InitG = new()
    {
        Flag = "init-g", Property = nameof(TrainOptions.InitG), Value = "FILE", ForProfile = false, Default = "random (DCGAN initialisation)",
        Help = "start G from these weights: a safetensors state_dict with PyTorch's names (gpugan export's generator.safetensors, or models/gpugan_models.py's); applied at the start of the run, not on resume",
        Get = o => o.InitG, Set = (o, v) => o with { InitG = v }, Parse = s => s, Check = v => v is "" ? "must not be empty" : null,
        SameWhen = (a, b) => SamePath(a.InitG, b.InitG),
    };

    public static readonly TrainOption<string?> InitD = new()
    {
        Flag = "init-d", Property = nameof(TrainOptions.InitD), Value = "FILE", ForProfile = false, Default = "random (DCGAN initialisation)",
        Help = "start D from these weights (gpugan export's discriminator.safetensors); like --init-g",
        Get = o => o.InitD, Set = (o, v) => o with { InitD = v }, Parse = s => s, Check = v => v is "" ? "must not be empty" : null,
        SameWhen = (a, b) => SamePath(a.InitD, b.InitD),
    };

    // Model rows set TrainOptions.Model; --model first: the picked model's own sizes are the defaults the other
    // model rows may override.
    public static readonly TrainOption<string> Model = new()
    {
        Flag = "model", Property = "Model.Name", Value = "NAME", Kind = TrainOptionKind.Model,
        Default = ModelCatalog.Default.Name, Help = $"{ModelCatalog.KnownNames} ('gpugan models' lists them with their sizes)",
        Get = o => o.Model.Name,
        Set = (o, v) => o with { Model = ModelCatalog.Get(v).Defaults },
        Parse = s => Rethrow(() => ModelCatalog.Get(s).Name, $"unknown model (known: {ModelCatalog.KnownNames})"),
    };

    public static readonly TrainOption<int> Latent = ModelInt("latent", "Model.LatentSize", "100", "size of z", 100_000,
        o => o.Model.LatentSize, (o, v) => o with { Model = o.Model with { LatentSize = v } });

    public static readonly TrainOption<int> ImageSize = ModelInt("image-size", "Model.ImageSize", string.Join(", ", ModelCatalog.All.Select(m => $"{m.Defaults.ImageSize} ({m.Name})")), "image side in pixels", 4096,
        o => o.Model.ImageSize, (o, v) => o with { Model = o.Model with { ImageSize = v } });

    public static readonly TrainOption<int> Channels = new()
    {
        Flag = "channels", Property = "Model.Channels", Value = "N", Kind = TrainOptionKind.Model, Default = "1", Help = "1 (grayscale) or 3 (RGB)",
        Get = o => o.Model.Channels, Set = (o, v) => o with { Model = o.Model with { Channels = v } }, Parse = ParseInt,
        Check = v => v is 1 or 3 ? null : "must be 1 (grayscale) or 3 (RGB)",
    };

    public static readonly TrainOption<int> GWidth = ModelInt("g-width", "Model.GeneratorWidth", "64", "G's base width (ngf)", 4096,
        o => o.Model.GeneratorWidth, (o, v) => o with { Model = o.Model with { GeneratorWidth = v } });

    public static readonly TrainOption<int> DWidth = ModelInt("d-width", "Model.DiscriminatorWidth", "64", "D's base width (ndf)", 4096,
        o => o.Model.DiscriminatorWidth, (o, v) => o with { Model = o.Model with { DiscriminatorWidth = v } });

    public static readonly TrainOption<int> Classes = new()
    {
        Flag = "classes", Property = "Model.Classes", Value = "N", Kind = TrainOptionKind.Model,
        Default = string.Join(", ", ModelCatalog.All.Where(m => m.Conditional).Select(m => $"{m.Defaults.Classes} ({m.Name})")) + "; 0 for the others",
        Help = "class labels of a conditional model; must equal the data's number of classes",
        Get = o => o.Model.Classes, Set = (o, v) => o with { Model = o.Model with { Classes = v } }, Parse = ParseInt,
        Check = v => v < 0 || v > ModelConfig.MaxClasses ? $"must be from 0 to {ModelConfig.MaxClasses}" : null,
    };

    public static readonly TrainOption<int> CheckpointEvery = Interval("checkpoint-every", nameof(TrainOptions.CheckpointEvery), D.CheckpointEvery,
        "iterations between checkpoints (and one at the end)", o => o.CheckpointEvery, (o, v) => o with { CheckpointEvery = v });

    public static readonly TrainOption<int> KeepCheckpoints = Interval("keep-checkpoints", nameof(TrainOptions.KeepCheckpoints), D.KeepCheckpoints,
        "how many recent checkpoints to keep", o => o.KeepCheckpoints, (o, v) => o with { KeepCheckpoints = v });

    public static readonly TrainOption<int> SampleEvery = Interval("sample-every", nameof(TrainOptions.SampleEvery), D.SampleEvery,
        "iterations between fixed-noise sample grids (and one at the end)", o => o.SampleEvery, (o, v) => o with { SampleEvery = v });

    public static readonly TrainOption<int> LogEvery = Interval("log-every", nameof(TrainOptions.LogEvery), D.LogEvery,
        "iterations between progress lines and metrics.jsonl records", o => o.LogEvery, (o, v) => o with { LogEvery = v });

    public static readonly TrainOption<int?> EvalEvery = new()
    {
        Flag = "eval-every", Property = nameof(TrainOptions.EvalEvery), Value = "N", Kind = TrainOptionKind.RunControl, ForProfile = false,
        Default = $"{TrainOptions.DefaultEvalEvery} for 1-channel models of 28x28 or larger, else 0", Help = "iterations between FID/KID/precision/recall evaluations (0: none); logged in metrics.jsonl",
        Get = o => o.EvalEvery, Set = (o, v) => o with { EvalEvery = v }, Parse = s => ParseInt(s), Check = v => v is < 0 ? "must be >= 0" : null,
    };

    public static readonly TrainOption<int> EvalCount = new()
    {
        Flag = "eval-count", Property = nameof(TrainOptions.EvalCount), Value = "N", Kind = TrainOptionKind.RunControl, ForProfile = false,
        Default = D.EvalCount.ToString(Inv), Help = "generated samples per evaluation (FID depends on it)",
        Get = o => o.EvalCount, Set = (o, v) => o with { EvalCount = v }, Parse = ParseInt, Check = v => v is < 10 or > 100_000 ? "must be from 10 to 100000" : null,
    };

    public static readonly TrainOption<double?> TargetFid = new()
    {
        Flag = "target-fid", Property = nameof(TrainOptions.TargetFid), Value = "X", Kind = TrainOptionKind.RunControl, ForProfile = false,
        Default = "off", Help = "stop once an evaluation's FID is at most X (checkpoint, samples, exit 0)",
        Get = o => o.TargetFid, Set = (o, v) => o with { TargetFid = v }, Parse = s => ParseDouble(s), Check = v => v is <= 0 ? "must be > 0" : null,
    };

    /// <summary>Every row, in --help order; rows apply in this order (--lr before --lr-d, --model before --image-size).</summary>
    public static readonly IReadOnlyList<TrainOption> Rows =
    [
        Data, Out, Iterations, Epochs, Seed, BatchSize, Lr, LrD, LrG, Beta1, Beta2, Loss, DSteps, Clip, LabelSmoothing, Noise, Ema, InitG, InitD,
        Model, Latent, ImageSize, Channels, GWidth, DWidth, Classes,
        CheckpointEvery, KeepCheckpoints, SampleEvery, LogEvery, EvalEvery, EvalCount, TargetFid,
    ];

    /// <summary>Paths compare as absolute ones: train stores them absolute, an older checkpoint or a command line may hold relative ones.</summary>
    static bool SamePath(string? a, string? b) =>
        a == b || a is { Length: > 0 } && b is { Length: > 0 } && Path.GetFullPath(a) == Path.GetFullPath(b);

    /// <summary>TrainOptions with every row given in o applied over start; a bad value is a one-line usage error naming the flag.</summary>
    public static TrainOptions FromCommandLine(ParsedOptions o, TrainOptions start) => FromCommandLine(o, start, Rows);

    /// <summary>The same for some rows only (in table order), for commands that take a few training options (sample --weights).</summary>
    public static TrainOptions FromCommandLine(ParsedOptions o, TrainOptions start, IEnumerable<TrainOption> rows)
    {
        var wanted = rows.ToHashSet();
        foreach (var row in Rows.Where(wanted.Contains))
        {
            if (o.String(row.Flag) is not { } text) continue;
            try { start = row.Apply(start, text); }
            catch (FormatException e) { throw new UsageException($"{o.Command}: --{row.Flag} '{text}': {e.Message}"); }
        }
        return start;
    }

    /// <summary>The first row given on the command line that must match the run but does not, or null.</summary>
    public static TrainOption? ChangedOnResume(ParsedOptions o, TrainOptions fromCommandLine, TrainOptions stored) =>
        Rows.FirstOrDefault(r => r.Kind != TrainOptionKind.RunControl && o.Has(r.Flag) && !r.Same(fromCommandLine, stored));

    /// <summary>The stored run's options with the run-control rows given on the command line (and their groups) taken over.</summary>
    public static TrainOptions TakeRunControl(ParsedOptions o, TrainOptions fromCommandLine, TrainOptions stored)
    {
        var given = Rows.Where(r => o.Has(r.Flag)).ToList();
        foreach (var row in Rows.Where(r => r.Kind == TrainOptionKind.RunControl))
            if (given.Contains(row) || row.ResumeGroup != null && given.Any(g => g.ResumeGroup == row.ResumeGroup))
                stored = row.CopyFrom(fromCommandLine, stored);
        return stored;
    }

    /// <summary>Throws a TrainOptionException for the first row whose value fails its check, or for --iterations with --epochs.</summary>
    public static void Validate(TrainOptions options)
    {
        foreach (var row in Rows)
            if (row.Property != null && row.Problem(options) is { } problem)
                throw new TrainOptionException([row], "{0} " + problem);
        if (options.Iterations.HasValue && options.Epochs.HasValue)
            throw new TrainOptionException([Iterations, Epochs], "give {0} or {1}, not both");
    }

    static TrainOption<int> ModelInt(string flag, string property, string def, string help, int max,
        Func<TrainOptions, int> get, Func<TrainOptions, int, TrainOptions> set) => new()
    {
        Flag = flag, Property = property, Value = "N", Kind = TrainOptionKind.Model, Default = def, Help = help,
        Get = get, Set = set, Parse = ParseInt, Check = v => v < 1 || v > max ? $"must be from 1 to {max}" : null,
    };

    static TrainOption<int> Interval(string flag, string property, int def, string help,
        Func<TrainOptions, int> get, Func<TrainOptions, int, TrainOptions> set) => new()
    {
        Flag = flag, Property = property, Value = "N", Kind = TrainOptionKind.RunControl, ForProfile = false,
        Default = def.ToString(Inv), Help = help, Get = get, Set = set, Parse = ParseInt, Check = v => v < 1 ? "must be >= 1" : null,
    };

    static string? LearningRate(float v) => v > 0 && v <= 10 ? null : "must be > 0 and <= 10";

    static string? AdamBeta(float v) => v is >= 0 and < 1 ? null : "must be in [0, 1)";

    static int ParseInt(string s) =>
        int.TryParse(s, NumberStyles.Integer, Inv, out int v) ? v : throw new FormatException("expected an integer");

    static long ParseLong(string s) =>
        long.TryParse(s, NumberStyles.Integer, Inv, out long v) ? v : throw new FormatException("expected an integer");

    static double ParseDouble(string s) =>
        double.TryParse(s, NumberStyles.Float, Inv, out double v) && double.IsFinite(v) ? v : throw new FormatException("expected a number");

    static float ParseFloat(string s) =>
        float.TryParse(s, NumberStyles.Float, Inv, out float v) && float.IsFinite(v) ? v : throw new FormatException("expected a number");

    // The library's parsers name the flag in their own message; the row's caller adds flag and value.
    static T Rethrow<T>(Func<T> parse, string expected)
    {
        try { return parse(); }
        catch (ArgumentException) { throw new FormatException(expected); }
    }
}
