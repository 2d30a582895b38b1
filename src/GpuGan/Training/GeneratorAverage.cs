using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;
using GpuGan.Rng;

namespace GpuGan.Training;

/// <summary>
/// G_ema: an exponential moving average of G's weights (StyleGAN's G_ema, StudioGAN's EMA), updated after every G
/// step as average = decay·average + (1 − decay)·w, with TensorFlow's warm-up decay min(decay, (1 + t)/(10 + t)) so
/// the random initial weights do not linger for the first thousand steps.
///
/// BatchNorm: G's running statistics belong to G's own weights, not to their average, and averaging them as well
/// would pair averaged weights with statistics of other weights. So before G_ema is used (samples, evaluation,
/// a checkpoint) its statistics are recomputed for its own weights ("standing statistics", as BigGAN and
/// StudioGAN do): the plain mean over <see cref="StatisticsBatches"/> training-mode batches of fixed noise. That
/// makes them a function of the averaged weights alone, so a resumed run matches an uninterrupted one bit for bit.
/// </summary>
public sealed class GeneratorAverage : IDisposable
{
    /// <summary>Checkpoint names of the average are G's names with this prefix.</summary>
    public const string Prefix = "ema.";
    public const int StatisticsBatches = 16;

    readonly ComputeDevice dev;
    readonly (Tensor Average, Tensor Live)[] pairs;
    readonly BatchNorm[] batchNorms;
    readonly NoiseGenerator statisticsNoise;
    readonly Action<NoiseGenerator, Tensor> fillNoise;
    readonly Tensor z;
    readonly IntTensor? labels;
    bool statisticsCurrent;

    /// <param name="live">the trained G</param>
    /// <param name="average">a second G of the same definition; it starts as a copy of <paramref name="live"/></param>
    /// <param name="classes">a conditional G's classes: the statistics batches ask for each in turn; 0: unconditional</param>
    public GeneratorAverage(ComputeDevice device, Sequential live, Sequential average, float decay, int latentSize, int batchSize,
        NoiseGenerator statisticsNoise, Action<NoiseGenerator, Tensor> fillNoise, int classes = 0)
    {
        if (decay is < 0f or >= 1f) throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must be in [0, 1)");
        dev = device;
        Decay = decay;
        Generator = average;
        var liveParams = live.Parameters.ToList();
        var avgParams = average.Parameters.ToList();
        if (liveParams.Count != avgParams.Count) throw new ArgumentException("the average must be built like G", nameof(average));
        pairs = avgParams.Zip(liveParams, (a, l) => (a.Value, l.Value)).ToArray();
        foreach (var (a, l) in pairs) ElementwiseOps.Copy(dev, l.View, a.View, l.Length);
        foreach (var (a, l) in average.Buffers.Zip(live.Buffers)) ElementwiseOps.Copy(dev, l.Value.View, a.Value.View, l.Value.Length);
        batchNorms = Leaves(average).OfType<BatchNorm>().ToArray();
        this.statisticsNoise = statisticsNoise;
        this.fillNoise = fillNoise;
        z = dev.Allocate(batchSize, latentSize);
        if (classes > 0)
        {
            labels = dev.AllocateInts(batchSize);
            labels.CopyFrom(Enumerable.Range(0, batchSize).Select(i => i % classes).ToArray());
        }
        statisticsCurrent = batchNorms.Length == 0;
    }

    public float Decay { get; }

    /// <summary>Updates taken so far (saved in checkpoints: the warm-up decay depends on it).</summary>
    public long Updates { get; set; }

    /// <summary>The averaged G; use <see cref="Ready"/> to evaluate it.</summary>
    public Sequential Generator { get; }

    /// <summary>The decay of update t (from 0): min(decay, (1 + t)/(10 + t)).</summary>
    public static float DecayAt(float decay, long t) => Math.Min(decay, (float)((1.0 + t) / (10.0 + t)));

    /// <summary>average ← average + (1 − d)(w − average) for every parameter of G.</summary>
    public void Update()
    {
        float d = DecayAt(Decay, Updates);
        foreach (var (a, l) in pairs) OptimizerOps.Ema(dev, a.View, l.View, a.Length, d);
        Updates++;
        statisticsCurrent = batchNorms.Length == 0;
    }

    /// <summary>The averaged G in evaluation mode, with BatchNorm statistics of its own weights.</summary>
    public Sequential Ready()
    {
        if (!statisticsCurrent) RecomputeStatistics();
        Generator.Training = false;
        return Generator;
    }

    /// <summary>The average's tensors under their checkpoint names; call <see cref="Ready"/> first when saving.</summary>
    public IEnumerable<(string Name, Tensor Value)> Tensors =>
        CheckpointStore.Tensors(Generator).Select(t => (Prefix + t.Name, t.Value));

    /// <summary>The average's counters (BatchNorm's num_batches_tracked) under their checkpoint names.</summary>
    public IEnumerable<(string Name, LayerCounter Counter)> Counters =>
        CheckpointStore.Counters(Generator).Select(t => (Prefix + t.Name, t.Counter));

    /// <summary>After a checkpoint's tensors were restored: its statistics were saved current.</summary>
    public void Restored() => statisticsCurrent = true;

    void RecomputeStatistics()
    {
        var momentum = batchNorms.Select(b => b.Momentum).ToArray();
        foreach (var b in batchNorms) b.ResetRunningStatistics();
        statisticsNoise.Counter = 0;        // the same noise every time
        Generator.Training = true;
        Generator.Labels = labels;
        for (int k = 0; k < StatisticsBatches; k++)
        {
            foreach (var b in batchNorms) b.Momentum = 1f / (k + 1);
            fillNoise(statisticsNoise, z);
            Generator.Forward(z);
        }
        for (int i = 0; i < batchNorms.Length; i++) batchNorms[i].Momentum = momentum[i];
        Generator.Training = false;
        statisticsCurrent = true;
    }

    static IEnumerable<Layer> Leaves(Layer l) => l is Sequential s ? s.Layers.SelectMany(Leaves) : [l];

    public void Dispose()
    {
        Generator.Dispose();
        z.Dispose();
        labels?.Dispose();
    }
}
