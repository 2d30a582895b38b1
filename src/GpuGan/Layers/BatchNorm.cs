using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// BatchNorm1d over (N, C) and BatchNorm2d over (N, C, H, W), PyTorch's semantics: training normalises with
/// the biased batch variance and updates running_var with the unbiased one; evaluation uses the running
/// statistics. gamma (weight) starts at 1, beta (bias) at 0, running_mean 0, running_var 1. Momentum is PyTorch's
/// convention: running = (1 − momentum)·running + momentum·batch, default 0.1, eps 1e-5. num_batches_tracked counts
/// the training-mode forward passes on the host, as PyTorch's buffer of that name does (reset with the statistics).
/// Fuses any <see cref="Activation"/> after it (<see cref="IFusesActivation"/>): its kernels write f(BN(x)) and read
/// f' from that output, so the pair costs BatchNorm's launches alone.
/// </summary>
public sealed class BatchNorm : Layer, IFusesActivation
{
    Tensor? input, output, inputGrad;
    readonly Tensor mean, invStd, sums, frozenSink;
    bool trainedLast; // Backward uses the mode of the Forward it follows
    Activation? fusedLast; // and the activation it applied (null: none)

    public BatchNorm(ComputeDevice device, string name, int channels, float eps = 1e-5f, float momentum = 0.1f) : base(device, name)
    {
        Require(channels > 0, $"{name}: channel count must be positive");
        Channels = channels;
        Eps = eps;
        Momentum = momentum;
        Weight = NewParameter("weight", channels);
        Bias = NewParameter("bias", channels);
        ElementwiseOps.Fill(device, Weight.Value.View, channels, 1f);
        RunningMean = device.Allocate(channels);
        RunningVar = device.Allocate(channels);
        ElementwiseOps.Fill(device, RunningMean.View, channels, 0f);
        ElementwiseOps.Fill(device, RunningVar.View, channels, 1f);
        mean = device.Allocate(channels);
        invStd = device.Allocate(channels);
        sums = device.Allocate(2 * channels);
        frozenSink = device.Allocate(2 * channels);
        NumBatchesTracked = new LayerCounter($"{name}.num_batches_tracked");
    }

    public int Channels { get; }
    public float Eps { get; }
    /// <summary>Weight of the new batch in the running statistics; 1/(k+1) on the k-th batch gives their plain mean
    /// (PyTorch's momentum=None, used to recompute statistics for averaged weights).</summary>
    public float Momentum { get; set; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public override IEnumerable<Parameter> Parameters => [Weight, Bias];
    public override IEnumerable<(string Name, Tensor Value)> Buffers => [($"{Name}.running_mean", RunningMean), ($"{Name}.running_var", RunningVar)];
    /// <summary>Training-mode forward passes so far (PyTorch's num_batches_tracked; exported as an I64 scalar).</summary>
    public LayerCounter NumBatchesTracked { get; }
    public override IEnumerable<LayerCounter> Counters => [NumBatchesTracked];

    // x: (N, C) or (N, C, H, W) -> y: same shape
    public override Tensor Forward(Tensor x) => Forward(x, null);

    /// <summary>Every activation's derivative can be read from its output (LeakyReLU's slope is positive).</summary>
    public bool CanFuse(Activation activation) => activation.Kind != ActivationFunction.LeakyRelu || activation.Slope > 0f;

    // y = f(BN(x)): same shapes as Forward
    public Tensor ForwardFused(Tensor x, Activation activation) => Forward(x, activation);

    public Tensor? BackwardFused(Tensor dy, Activation activation, bool inputGradient) => Backward(dy, activation, inputGradient);

    public override Tensor? Backward(Tensor dy, bool inputGradient = true) => Backward(dy, null, inputGradient);

    Tensor Forward(Tensor x, Activation? activation)
    {
        Require((x.Rank == 2 || x.Rank == 4) && x.Shape[1] == Channels,
            $"{Name}: expected input (N, {Channels}) or (N, {Channels}, H, W), got ({x.ShapeText})");
        input = x;
        trainedLast = Training;
        fusedLast = activation;
        if (trainedLast) NumBatchesTracked.Value++;
        var y = Ensure(ref output, x.Shape);
        BatchNormOps.Forward(Device, x.View, y.View, Weight.Value.View, Bias.Value.View, RunningMean.View, RunningVar.View, mean.View, invStd.View,
            x.Shape[0], Channels, Plane(x), Eps, Momentum, trainedLast, Kind(activation), Slope(activation));
        return y;
    }

    /// <summary>running_mean 0, running_var 1, num_batches_tracked 0, as at construction (PyTorch's reset_running_stats).</summary>
    public void ResetRunningStatistics()
    {
        NumBatchesTracked.Value = 0;
        ElementwiseOps.Fill(Device, RunningMean.View, Channels, 0f);
        ElementwiseOps.Fill(Device, RunningVar.View, Channels, 1f);
    }

    Tensor? Backward(Tensor dy, Activation? activation, bool inputGradient)
    {
        var x = input ?? throw new InvalidOperationException($"{Name}: Backward before Forward");
        if (activation != fusedLast)
            throw new InvalidOperationException($"{Name}: Backward with activation {activation?.Name ?? "none"} after a Forward with {fusedLast?.Name ?? "none"}");
        var dx = inputGradient ? Ensure(ref inputGrad, x.Shape) : null;
        if (!ParameterGradients && dx == null) return null;
        // Frozen parameters: the kernel still accumulates its sums somewhere, into a sink nobody reads.
        var dGamma = ParameterGradients ? Weight.Grad.View : frozenSink.View.SubView(0, Channels);
        var dBeta = ParameterGradients ? Bias.Grad.View : frozenSink.View.SubView(Channels, Channels);
        // The activation's derivative is read from the fused output y (unread without one).
        BatchNormOps.Backward(Device, x.View, output!.View, dy.View, dx?.View, Weight.Value.View, mean.View, invStd.View, sums.View, dGamma, dBeta,
            x.Shape[0], Channels, Plane(x), Eps, Momentum, trainedLast, Kind(activation), Slope(activation));
        return dx;
    }

    static int Plane(Tensor x) => x.Rank == 4 ? x.Shape[2] * x.Shape[3] : 1;
    static ActivationFunction Kind(Activation? a) => a?.Kind ?? ActivationFunction.Identity;
    static float Slope(Activation? a) => a?.Slope ?? 0f;

    public override void Dispose()
    {
        output?.Dispose();
        inputGrad?.Dispose();
        mean.Dispose();
        invStd.Dispose();
        sums.Dispose();
        frozenSink.Dispose();
        base.Dispose();
    }
}
