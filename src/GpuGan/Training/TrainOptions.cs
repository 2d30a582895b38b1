using GpuGan.Losses;
using GpuGan.Device;
using GpuGan.Metrics;
using GpuGan.Models;
using GpuGan.Rng;

namespace GpuGan.Training;

public enum NoiseDistribution { Normal, Uniform }

/// <summary>Every option of a training run and its default (saved as config.json and in checkpoints); each property's
/// flag, help, kind and check are its row in <see cref="TrainOptionTable"/>.</summary>
public sealed record TrainOptions
{
    public ModelConfig Model { get; init; } = new();
    /// <summary>IDX file, folder of IDX files, or image folder; null: the embedded MNIST subset.</summary>
    public string? DataPath { get; init; }
    public string OutDir { get; init; } = "runs/dcgan";
    /// <summary>Stop after this many iterations (G updates); null: use Epochs, or the device default.</summary>
    public long? Iterations { get; init; }
    public int? Epochs { get; init; }
    public ulong Seed { get; init; } = 1;
    public int BatchSize { get; init; } = 64;
    public float LrD { get; init; } = 2e-4f;
    public float LrG { get; init; } = 2e-4f;
    public float Beta1 { get; init; } = 0.5f;
    public float Beta2 { get; init; } = 0.999f;
    public GanLossKind Loss { get; init; } = GanLossKind.Bce;
    /// <summary>D updates per G update; null: 5 for wgan, else 1.</summary>
    public int? DSteps { get; init; }
    /// <summary>WGAN critic weight clipping bound.</summary>
    public float Clip { get; init; } = 0.01f;
    public NoiseDistribution Noise { get; init; } = NoiseDistribution.Normal;
    /// <summary>D's target for real images with bce, minimax and lsgan (GanLoss.RealTarget); 1 is off (one-sided label
    /// smoothing, Salimans et al. 2016). Hinge and wgan have no target: another value than 1 fails validation.</summary>
    public float LabelSmoothing { get; init; } = 1f;
    /// <summary>Decay of the exponential moving average of G's weights (G_ema); 0 is off.</summary>
    public float Ema { get; init; }
    /// <summary>A generator state_dict (safetensors, PyTorch's names: `gpugan export`'s generator.safetensors or a
    /// PyTorch model's) that replaces G's initial weights; applied when the run starts, never on resume.</summary>
    public string? InitG { get; init; }
    /// <summary>The same for D (discriminator.safetensors).</summary>
    public string? InitD { get; init; }
    public int CheckpointEvery { get; init; } = 500;
    public int KeepCheckpoints { get; init; } = 3;
    public int SampleEvery { get; init; } = 500;
    public int LogEvery { get; init; } = 10;
    /// <summary>Iterations between sample-quality evaluations (FID, KID, precision/recall; 0 is off); null:
    /// <see cref="DefaultEvalEvery"/> when the model's images can be judged (<see cref="Evaluable"/>), else off.</summary>
    public int? EvalEvery { get; init; }
    /// <summary>Generated samples per evaluation (FID is biased by the count: compare figures of equal counts).</summary>
    public int EvalCount { get; init; } = 2000;
    /// <summary>Stop once the sampling generator's FID is at most this (the seed's second stopping rule); null: off.</summary>
    public double? TargetFid { get; init; }

    /// <summary>Iterations when neither --iterations nor --epochs is given: about the best FID within 15 minutes on a
    /// 2-core CPU (16 min 21 s measured) (FID still falls at 7,000: 154.6 at 2,000, 127.5 at 6,000, 118.7 at 7,000, mean of seeds 1-3; BENCHMARKS.md),
    /// except with ILGPU's scalar CPU kernels only (--cpu-kernels ilgpu), where an iteration takes seconds and the
    /// default is a short run.</summary>
    public const long DefaultIterations = 7000;
    public const long DefaultIlgpuCpuIterations = 30;
    public const int DefaultEvalEvery = 500;

    /// <summary>Whether the MNIST classifier can judge the model's images: 1 channel and ImageSize &gt;= 28 (larger
    /// images are scored downscaled to 28x28 on the device; <see cref="FeatureExtractor"/>).</summary>
    public bool Evaluable => FeatureExtractor.Judges(Model.Channels, Model.ImageSize, Model.ImageSize);

    /// <summary>The evaluation interval in effect (0: no evaluation).</summary>
    public int EffectiveEvalEvery => EvalEvery ?? (Evaluable ? DefaultEvalEvery : 0);

    public int EffectiveDSteps => DSteps ?? (Loss == GanLossKind.Wgan ? 5 : 1);

    /// <summary>Fills z with this run's latent noise: N(0, 1), or U(-1, 1) with --noise uniform (training, samples, evaluation).</summary>
    public void DrawLatent(NoiseGenerator rng, Tensor z)
    {
        if (Noise == NoiseDistribution.Uniform) rng.Uniform(z, -1f, 1f);
        else rng.Normal(z);
    }

    /// <summary>Throws a <see cref="TrainOptionException"/> naming the property whose value is out of range
    /// (each row of <see cref="TrainOptionTable"/> carries its check), or an ArgumentException from the model.</summary>
    public void Validate()
    {
        TrainOptionTable.Validate(this);
        try { Model.Validate(); }
        catch (ModelConfigException e) when (TrainOptionTable.Rows.FirstOrDefault(r => r.Property == $"Model.{e.Property}") is { } row)
        {
            // Reported as the option row, so a C# caller reads the property and the command line the flag.
            throw new TrainOptionException([row], "{0} " + e.Problem.Replace("{", "{{").Replace("}", "}}"));
        }
        if (LabelSmoothing != 1f && Loss is GanLossKind.Hinge or GanLossKind.Wgan)
            throw new TrainOptionException([TrainOptionTable.LabelSmoothing, TrainOptionTable.Loss],
                $"{{0}} sets D's real target of the bce, minimax and lsgan losses; {{1}} {Loss.ToString().ToLowerInvariant()} has no target (leave it at 1)");
        if (EvalEvery > 0 && !Evaluable)
            throw new TrainOptionException([TrainOptionTable.EvalEvery],
                $"{{0}} needs {FeatureExtractor.JudgedImages}, the MNIST classifier's input; this model makes {Model.Channels}x{Model.ImageSize}x{Model.ImageSize}");
        if (TargetFid.HasValue && EffectiveEvalEvery == 0)
            throw new TrainOptionException([TrainOptionTable.TargetFid, TrainOptionTable.EvalEvery], "{0} needs evaluations ({1} N, 1-channel images of at least 28x28)");
    }
}
