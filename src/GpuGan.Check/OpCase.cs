using GpuGan.Ops;

namespace GpuGan.Check;

/// <summary>
/// One row of the operator table: the op, its shapes and options. Conv: x (N, C, H, W), Cout, Conv options.
/// Linear: x (N, C) -> (N, Cout). BatchNorm: (N, C) or (N, C, H, W). Elementwise / loss / optimizer: Length.
/// MaxPool2d: x (N, C, H, W), Pool options. CrossEntropy: logits (N, C), C classes.
/// Embedding: labels (N) of C classes, table (C, Cout). ConcatChannels: a (N, C, H*W) ++ b (N, Cout, H*W), or
/// b (N, Cout) when Broadcast. RowDot: a, b (N, C) -> (N).
/// AdaptiveAvgPool2d: x (N, C, H, W) -> (N, C, OutH, OutW).
/// Gpu: also run on the GPU kernel family (simulated on the CPU accelerator: keep tiny).
/// </summary>
public sealed record OpCase(string Name, OpKind Op)
{
    public int N { get; init; } = 1;
    public int C { get; init; } = 1;
    public int H { get; init; } = 1;
    public int W { get; init; } = 1;
    public int Cout { get; init; } = 1;
    public ConvOptions Conv { get; init; } = ConvOptions.Square(1);
    public PoolOptions Pool { get; init; } = PoolOptions.Square(2);
    /// <summary>Adaptive average pooling: the output size.</summary>
    public int OutH { get; init; } = 1;
    public int OutW { get; init; } = 1;
    /// <summary>Max pooling: every input below zero, so a padded tap read as 0 instead of -inf would win.</summary>
    public bool NegativeInputs { get; init; }
    /// <summary>Max pooling: inputs from a few levels, so windows hold equal maxima (forward and argmax only).</summary>
    public bool Ties { get; init; }
    public bool Bias { get; init; } = true;
    public bool Training { get; init; } = true;
    public bool Plane2d { get; init; }
    public ActivationFunction Act { get; init; }
    /// <summary>Activation: every seventh input (from index 3) is NaN; outputs must be NaN where PyTorch's are.</summary>
    public bool NaNInputs { get; init; }
    public float Slope { get; init; } = 0.2f;
    public LossFunction Loss { get; init; }
    public float Target { get; init; } = 1f;
    /// <summary>Loss: one target per sample (soft or noisy labels), drawn in [0, 1], instead of Target.</summary>
    public bool PerSampleTargets { get; init; }
    public float LossWeight { get; init; } = 1f;
    public float Scale { get; init; } = 4f;
    public int Length { get; init; } = 1;
    public float Lr { get; init; } = 2e-4f;
    public float Beta1 { get; init; } = 0.5f;
    public float Beta2 { get; init; } = 0.999f;
    public float Eps { get; init; } = 1e-8f;
    public float WeightDecay { get; init; }
    public bool Decoupled { get; init; }
    public float Momentum { get; init; }
    public float Clip { get; init; } = 0.01f;
    /// <summary>Weight average decay (EmaUpdate).</summary>
    public float Decay { get; init; } = 0.999f;
    public int Steps { get; init; } = 3;
    public int StartStep { get; init; } = 1;
    public bool FreshState { get; init; } = true;
    /// <summary>Embedding: labels only from the even classes, so the odd ones are named by no label (their table gradient must stay).</summary>
    public bool OddClassesUnused { get; init; }
    /// <summary>ConcatChannels: b is (N, Cout), repeated at every position.</summary>
    public bool Broadcast { get; init; }
    /// <summary>RowDot: the forward pass adds to a prefilled y.</summary>
    public bool Accumulate { get; init; }
    /// <summary>RowDot: the backward pass adds da to a prefilled da.</summary>
    public bool AccumulateGrad { get; init; }
    public bool Gpu { get; init; }

    public OpProblem Instantiate(Random rng) => Op switch
    {
        OpKind.Conv2d or OpKind.ConvTranspose2d => new ConvProblem(this, rng),
        OpKind.Linear => new LinearProblem(this, rng),
        OpKind.BatchNorm => new BatchNormProblem(this, rng),
        OpKind.Activation => new ActivationProblem(this, rng),
        OpKind.Loss => new LossProblem(this, rng),
        OpKind.MaxPool2d => new MaxPoolProblem(this, rng),
        OpKind.CrossEntropy => new CrossEntropyProblem(this, rng),
        OpKind.Embedding => new EmbeddingProblem(this, rng),
        OpKind.ConcatChannels => new ConcatProblem(this, rng),
        OpKind.RowDot => new RowDotProblem(this, rng),
        OpKind.AdaptiveAvgPool2d => new AdaptiveAvgPoolProblem(this, rng),
        _ => new OptimizerProblem(this, rng),
    };

    /// <summary>
    /// A short shape string for tables: "2x1x28x28->64 k4 s2 p1", "2x100->6272", "3x64x14x14", "n37"; embedding
    /// "64 of 10->50" (N labels of C classes -> D); concat "2x(3+4)x5x7", "2x(3+4b)x5x7" (b broadcast); row dot
    /// "64x6272 +y +da" (accumulating into y, da).
    /// </summary>
    public string Shape => Op switch
    {
        OpKind.Conv2d or OpKind.ConvTranspose2d => $"{N}x{C}x{H}x{W}->{Cout} {ConvShape()}",
        OpKind.Linear => $"{N}x{C}->{Cout}",
        OpKind.BatchNorm => Plane2d ? $"{N}x{C}x{H}x{W}" : $"{N}x{C}",
        OpKind.MaxPool2d => $"{N}x{C}x{H}x{W} {PoolShape()}",
        OpKind.CrossEntropy => $"{N}x{C}",
        OpKind.Embedding => $"{N} of {C}->{Cout}",
        OpKind.ConcatChannels => $"{N}x({C}+{Cout}{(Broadcast ? "b" : "")})" + (H * W > 1 ? $"x{H}x{W}" : ""),
        OpKind.RowDot => $"{N}x{C}" + (Accumulate ? " +y" : "") + (AccumulateGrad ? " +da" : ""),
        OpKind.AdaptiveAvgPool2d => $"{N}x{C}x{H}x{W}->{OutH}x{OutW}",
        _ => $"n{Length}",
    };

    static string Pair(int a, int b) => a == b ? $"{a}" : $"{a}x{b}";

    string ConvShape()
    {
        string s = $"k{Pair(Conv.KernelH, Conv.KernelW)} s{Pair(Conv.StrideH, Conv.StrideW)} p{Pair(Conv.PadH, Conv.PadW)}";
        return Conv.OutputPadH != 0 || Conv.OutputPadW != 0 ? s + $" op{Pair(Conv.OutputPadH, Conv.OutputPadW)}" : s;
    }

    string PoolShape() => $"k{Pair(Pool.KernelH, Pool.KernelW)} s{Pair(Pool.StrideH, Pool.StrideW)} p{Pair(Pool.PadH, Pool.PadW)}";

    public override string ToString() => Name;
}
