using System.Diagnostics;
using System.Text.Json;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Export;
using GpuGan.Layers;
using GpuGan.Losses;
using GpuGan.Metrics;
using GpuGan.Models;
using GpuGan.Ops;
using GpuGan.Optim;
using GpuGan.Profiling;
using GpuGan.Rng;
using GpuGan.Text;

namespace GpuGan.Training;

/// <summary>
/// The seed's training loop (§3.2): noise → G → fake; real and fake → D; D loss, D update; G loss, G update.
/// Every device buffer is allocated in the constructor or on the first step and reused afterwards.
/// </summary>
public sealed class GanTrainer : IDisposable
{
    // Philox streams: one per purpose, so adding a draw in one place never shifts the others.
    const uint InitStream = 0, TrainNoiseStream = 1, FixedNoiseStream = 2, EmaStatisticsStream = 3, EvalNoiseStream = 4;

    readonly ComputeDevice dev;
    readonly BatchSampler sampler;
    readonly NoiseGenerator noise;
    readonly GanLoss loss;
    readonly Adam optD, optG;
    readonly Tensor real, z, fixedZ;
    readonly IntTensor? labels;
    readonly BatchedGenerator? gridGenerator;
    // The training set on the device when it fits (one gather launch per batch), else batches built on the host.
    readonly DeviceDataset? deviceData;
    readonly float[] hostBatch;
    readonly int[] hostLabels;
    readonly List<MetricsRecord> history = new();
    readonly CheckpointStore checkpoints;
    string? lastCheckpoint;
    /// <summary>
    /// Device flag: bit <see cref="DBit"/>, <see cref="GBit"/>, <see cref="EmaBit"/> set when a tensor of that network
    /// (weights, BatchNorm statistics, optimizer moments) holds a NaN or infinity. Set and read only where the trainer
    /// synchronizes anyway (logging, evaluation and checkpoint steps): a non-finite value stays non-finite through
    /// Adam, BatchNorm's running averages and the EMA, so checking there finds it as surely as checking every step.
    /// WGAN's clipping could turn a NaN weight finite, so D is checked before every clip.
    /// </summary>
    IntTensor? nonFinite;
    long lastFiniteCheck;
    const int DBit = 1, GBit = 2, EmaBit = 4;
    readonly MnistClassifier? classifier;
    readonly QualityEvaluator? evaluator;
    readonly NoiseGenerator? evalNoise;
    double? bestFid;
    long bestFidIteration;

    public GanTrainer(ComputeDevice device, TrainOptions options, ImageDataset data, Checkpoint? resume = null)
    {
        options.Validate();
        var m = options.Model;
        if (data.Channels != m.Channels || data.Height != m.ImageSize || data.Width != m.ImageSize)
            throw new DataException(data.Source, $"images are {data.Channels}x{data.Height}x{data.Width} but the model expects {m.Channels}x{m.ImageSize}x{m.ImageSize}");
        if (data.Count < options.BatchSize)
            throw new DataException(data.Source, $"{Count.Of(data.Count, "image")}, fewer than one batch of {options.BatchSize}");
        if (m.Conditional && data.ClassCount < 2)
            throw new DataException(data.Source, $"has no class labels; the {m.Name} model needs labelled data (IDX images with their labels file, or an image folder with one sub-folder per class)");
        if (m.Conditional && data.ClassCount != m.Classes)
            throw new DataException(data.Source, $"{Count.Of(data.ClassCount, "class", "classes")} but the {m.Name} model is set up for {m.Classes} (--classes {data.ClassCount})");
        dev = device;
        Options = options;
        Data = data;
        Model = m.Definition;
        (G, D) = Model.Build(dev, m, new NoiseGenerator(dev, options.Seed, InitStream));
        // --init-g/--init-d replace the drawn weights (the draws still happen, so D's stay those of the seed); a resumed
        // run has moved on from them and takes the checkpoint's. Before G_ema copies G, so the average starts from them.
        if (resume == null)
        {
            try
            {
                if (options.InitG != null) StateDict.Load(options.InitG, G, m, NetworkKind.Generator);
                if (options.InitD != null) StateDict.Load(options.InitD, D, m, NetworkKind.Discriminator);
            }
            catch
            {
                G.Dispose();
                D.Dispose();
                throw;
            }
        }
        checkpoints = new CheckpointStore(options.OutDir, options.KeepCheckpoints);
        optD = new Adam(dev, D.Parameters, new AdamOptions(options.LrD, options.Beta1, options.Beta2));
        optG = new Adam(dev, G.Parameters, new AdamOptions(options.LrG, options.Beta1, options.Beta2));
        loss = new GanLoss(dev, options.Loss) { RealTarget = options.LabelSmoothing };
        sampler = new BatchSampler(data, options.BatchSize, options.Seed);
        noise = new NoiseGenerator(dev, options.Seed, TrainNoiseStream);
        real = dev.Allocate(options.BatchSize, m.Channels, m.ImageSize, m.ImageSize);
        z = dev.Allocate(options.BatchSize, m.LatentSize);
        fixedZ = dev.Allocate(options.BatchSize, m.LatentSize);
        options.DrawLatent(new NoiseGenerator(dev, options.Seed, FixedNoiseStream), fixedZ);
        if (m.Conditional)
        {
            labels = dev.AllocateInts(options.BatchSize);
            gridGenerator = new BatchedGenerator(dev, options.BatchSize, m.LatentSize, conditional: true);
        }
        if (options.Ema > 0)
            Ema = new GeneratorAverage(dev, G, Model.Generator(dev, m), options.Ema, m.LatentSize, options.BatchSize,
                new NoiseGenerator(dev, options.Seed, EmaStatisticsStream), options.DrawLatent, m.Classes);
        if (DeviceDataset.Fits(dev, data))
        {
            deviceData = new DeviceDataset(dev, data);
            hostBatch = [];
            hostLabels = [];
        }
        else
        {
            hostBatch = new float[sampler.BatchFloats];
            hostLabels = new int[options.BatchSize];
        }
        TargetIterations = options.Iterations
            ?? (options.Epochs.HasValue
                ? Math.Max(1, (long)options.Epochs.Value * sampler.BatchesPerEpoch / options.EffectiveDSteps)
                : dev.Kind == DeviceKind.Cpu && !dev.UsesHostKernels ? TrainOptions.DefaultIlgpuCpuIterations : TrainOptions.DefaultIterations);
        if (options.EffectiveEvalEvery > 0)
        {
            classifier = MnistClassifier.Load(dev, MnistClassifier.EmbeddedPath);
            // The held-out digits as the training digits are prepared (resized to the model's size), scored through the
            // same downscale as the samples: real digits then score the floor at any size, where 64x64 ones against the
            // 28x28 originals would score about 85 from the resize round trip's blur alone.
            evaluator = new QualityEvaluator(classifier, DatasetLoader.LoadEmbedded(imageSize: m.ImageSize, heldOut: true), options.EvalCount, m.LatentSize, options.BatchSize, m.Classes);
            evalNoise = new NoiseGenerator(dev, options.Seed, EvalNoiseStream);
        }
        if (resume != null) Restore(resume);
        dev.Synchronize();
    }

    public TrainOptions Options { get; }
    public ImageDataset Data { get; }
    /// <summary>The registered model G and D were built from (options.Model names it).</summary>
    public ModelDefinition Model { get; }
    public Sequential G { get; }
    public Sequential D { get; }
    /// <summary>G's weight average with --ema, else null.</summary>
    public GeneratorAverage? Ema { get; }
    public long Iteration { get; private set; }
    public long TargetIterations { get; }
    public IReadOnlyList<MetricsRecord> History => history;

    /// <summary>When set, iterations [ProfileWarmup, ProfileWarmup + ProfileSteps) of Run are profiled (the device needs profiling on).</summary>
    public StepProfiler? Profiler { get; set; }
    public int ProfileWarmup { get; set; } = 2;
    public int ProfileSteps { get; set; } = 20;

    /// <summary>The lowest FID of the sampling generator so far (checkpoints/best.gpugan) and its iteration, or null.</summary>
    public (double Fid, long Iteration)? Best => bestFid is double f ? (f, bestFidIteration) : null;

    /// <summary>Sample quality of G and, with --ema, of its average: the same <see cref="TrainOptions.EvalCount"/> latent
    /// vectors every time, against the embedded held-out digits (needs evaluation on: 1-channel images of at least 28x28).</summary>
    public (QualityReport G, QualityReport? Ema) Evaluate()
    {
        if (evaluator == null) throw new InvalidOperationException("evaluation is off (--eval-every 0, or images other than 1-channel of at least 28x28)");
        G.Training = false;
        var g = Report(G);
        G.Training = true;
        return (g, Ema != null ? Report(Ema.Ready()) : null);
    }

    /// <summary>KID subsets of the periodic evaluations: 10 of 1,000 (0.35 s) instead of 100 ('gpugan eval' uses 100).</summary>
    public const int TrainingKidSubsets = 10;

    QualityReport Report(Sequential generator)
    {
        evalNoise!.Counter = 0;
        return evaluator!.Evaluate(evaluator.Describe(generator, t => Options.DrawLatent(evalNoise, t)), TrainingKidSubsets);
    }

    /// <summary>Called after every iteration with its number (for a live status line); keep it cheap: reading the
    /// losses (<see cref="ReadLossStats"/>) waits for the device, so do that seldom.</summary>
    public Action<long>? OnIteration { get; set; }

    /// <summary>The last iteration's losses and D outputs; waits for the device (a synchronization).</summary>
    public LossStats ReadLossStats()
    {
        using (dev.HostSpan("copy.loss_stats_to_host")) return loss.ReadStats();
    }

    /// <summary>The generator samples and evaluation use: G_ema when there is one, else G (in evaluation mode).</summary>
    public Sequential SamplingGenerator()
    {
        if (Ema != null) return Ema.Ready();
        G.Training = false;
        return G;
    }

    /// <summary>One iteration: k discriminator updates, then one generator update. Queues work on the device without
    /// waiting for it (but for the batch upload); <see cref="ReadLossStats"/> reads its losses.</summary>
    public void Step()
    {
        Tensor fake = null!;
        // A conditional G draws each fake for the class of the real image beside it, and D judges both with that label.
        G.Labels = D.Labels = labels;
        // (1) Update D: maximize log D(x) + log(1 - D(G(z))) (or the chosen loss's critic objective).
        D.ParameterGradients = true;
        for (int k = 0; k < Options.EffectiveDSteps; k++)
        {
            NextBatch();
            using (dev.Section("noise")) Options.DrawLatent(noise, z);
            fake = G.Forward(z);
            using (dev.Section("optimizer.D.zero_grad")) optD.ZeroGrad();
            var realLogits = D.Forward(real);
            Tensor dReal;
            using (dev.Section("loss.D_real")) dReal = loss.DiscriminatorReal(realLogits);
            D.Backward(dReal, inputGradient: false);
            // G(z) is treated as a constant here (PyTorch's fake.detach()): no gradient flows into G.
            var fakeLogits = D.Forward(fake);
            Tensor dFakeLogits;
            using (dev.Section("loss.D_fake")) dFakeLogits = loss.DiscriminatorFake(fakeLogits);
            D.Backward(dFakeLogits, inputGradient: false);
            using (dev.Section("optimizer.D.adam")) optD.Step();
            if (Options.Loss == GanLossKind.Wgan)
            {
                using (dev.Section("finite.D")) FlagNonFinite(DBit);
                using (dev.Section("optimizer.D.clip")) ClipWeights(D);
            }
        }

        // (2) Update G: maximize log D(G(z)) (non-saturating; or the chosen loss's generator objective).
        // D's parameters are frozen for this pass: only the gradient with respect to its input is needed.
        D.ParameterGradients = false;
        using (dev.Section("optimizer.G.zero_grad")) optG.ZeroGrad();
        var logits = D.Forward(fake);
        Tensor dLogits;
        using (dev.Section("loss.G")) dLogits = loss.Generator(logits);
        var dFake = D.Backward(dLogits, inputGradient: true)!;
        G.Backward(dFake, inputGradient: false);
        using (dev.Section("optimizer.G.adam")) optG.Step();
        if (Ema != null)
            using (dev.Section("ema.update")) Ema.Update();
        D.ParameterGradients = true;

        Iteration++;
    }

    /// <summary>The next real batch (and its labels) into <c>real</c>: gathered on the device when the data set lives there.</summary>
    void NextBatch()
    {
        if (deviceData != null)
        {
            var (order, epoch, start) = sampler.NextBatchPositions();
            using (dev.Section("data.gather")) deviceData.Gather(real, labels, order, epoch, start);
            return;
        }
        using (dev.HostSpan("data.next_batch")) sampler.NextBatch(hostBatch, hostLabels);
        using (dev.HostSpan("copy.batch_to_device")) real.CopyFrom(hostBatch);
        if (labels != null) using (dev.HostSpan("copy.labels_to_device")) labels.CopyFrom(hostLabels);
    }

    /// <summary>WGAN's weight clipping: one launch over D's arena (its gaps are zero and stay zero).</summary>
    void ClipWeights(Sequential network)
    {
        if (network.Arena is { } a) OptimizerOps.ClipWeights(dev, a.Values.View, a.Length, Options.Clip);
        else foreach (var p in network.Parameters) OptimizerOps.ClipWeights(dev, p.Value.View, p.Value.Length, Options.Clip);
    }

    // A network's state as whole buffers where it has them (the arenas), so a check is a few launches.
    IEnumerable<Tensor> TensorsOf(int bit) => bit switch
    {
        DBit => StateOf(D, optD),
        GBit => StateOf(G, optG),
        _ => Ema?.Tensors.Select(t => t.Value) ?? [],
    };

    static IEnumerable<Tensor> StateOf(Sequential network, Adam optimizer) =>
        (network.Arena is { } a ? [a.Values] : network.Parameters.Select(p => p.Value))
            .Concat(network.Buffers.Select(b => b.Value))
            .Concat(optimizer.MomentBuffers);

    /// <summary>ORs bit into the device flag when any tensor of that network is not finite (kernels only, no sync).</summary>
    void FlagNonFinite(int bit)
    {
        nonFinite ??= AllocateFlag();
        foreach (var t in TensorsOf(bit))
            ElementwiseOps.FlagNonFinite(dev, t.View, t.Length, nonFinite.View, bit);
    }

    /// <summary>Checks every network's state and reads the flag (a synchronization): 0 while all of it is finite.</summary>
    int CheckNonFinite()
    {
        FlagNonFinite(DBit);
        FlagNonFinite(GBit);
        if (Ema != null) FlagNonFinite(EmaBit);
        int bits;
        using (dev.HostSpan("finite.read")) bits = ReadNonFinite();
        return bits;
    }

    IntTensor AllocateFlag()
    {
        var f = dev.AllocateInts(1);
        f.CopyFrom([0]);
        return f;
    }

    /// <summary>Reads the device flag (a synchronization): 0 while every checked tensor has stayed finite.</summary>
    int ReadNonFinite() => nonFinite == null ? 0 : nonFinite.ToArray()[0];

    static string NetworksOf(int bits) => string.Join(", ", new[] { (GBit, "G"), (DBit, "D"), (EmaBit, "G_ema") }
        .Where(b => (bits & b.Item1) != 0).Select(b => b.Item2));

    string LastGood => lastCheckpoint != null ? $"last good checkpoint: {lastCheckpoint}" : "no checkpoint had been written by this run";

    string NonFiniteFailure(int bits) =>
        $"non-finite values (NaN or infinity) in the weights, BatchNorm statistics or Adam moments of {NetworksOf(bits)}: " +
        $"detected at iteration {Iteration}; checked every --log-every ({Options.LogEvery}) iterations and at checkpoints, so the first " +
        $"non-finite step was at most {Math.Max(Iteration - lastFiniteCheck - 1, 0)} iterations earlier; stopped; {LastGood}";

    /// <summary>Trains until the iteration budget, a stop request or divergence.</summary>
    public TrainResult Run(CancellationToken stop, Action<TrainProgress>? progress = null)
    {
        Directory.CreateDirectory(Options.OutDir);
        RunFolder.RemoveStaleTemporaryFiles(Options.OutDir);
        File.WriteAllText(Path.Combine(Options.OutDir, RunFolder.ConfigFileName), JsonSerializer.Serialize(Options, Checkpoint.Json));
        LoadHistory();
        var clock = Stopwatch.StartNew();
        long startIteration = Iteration;
        var windowClock = Stopwatch.StartNew();
        long windowStart = Iteration;
        double imagesPerIteration = (double)Options.BatchSize * Options.EffectiveDSteps;
        lastFiniteCheck = Iteration;
        while (Iteration < TargetIterations)
        {
            if (stop.IsCancellationRequested)
            {
                int bits = CheckNonFinite();
                if (bits != 0) return Result(TrainOutcome.Diverged, clock, startIteration, NonFiniteFailure(bits));
                SaveCheckpoint();
                return Result(TrainOutcome.Interrupted, clock, startIteration, $"stopped at iteration {Iteration}; checkpoint {lastCheckpoint}");
            }
            long done = Iteration - startIteration;
            bool profiling = Profiler != null && done >= ProfileWarmup && done < ProfileWarmup + ProfileSteps;
            if (profiling)
            {
                dev.Profiler = Profiler;
                Profiler!.BeginStep();
            }
            try
            {
                Step();
                if (!AfterStep(progress, clock, ref windowStart, windowClock, imagesPerIteration, out var failure, out bool reached))
                    return Result(TrainOutcome.Diverged, clock, startIteration, failure!);
                if (reached) return Finish(TrainOutcome.TargetReached, clock, startIteration,
                    FormattableString.Invariant($"reached FID {history[^1].Sampling!.Fid:F2} <= --target-fid {Options.TargetFid} at iteration {Iteration}"));
            }
            finally
            {
                if (profiling)
                {
                    Profiler!.EndStep();
                    dev.Profiler = null;
                }
            }
        }
        return Finish(TrainOutcome.Completed, clock, startIteration, $"finished {Count.Of(Iteration, "iteration")}");
    }

    TrainResult Finish(TrainOutcome outcome, Stopwatch clock, long startIteration, string message)
    {
        string grid = Path.Combine(Options.OutDir, "samples", "final.png");
        SaveSamples(grid);
        if (lastCheckpoint == null || !lastCheckpoint.EndsWith(Checkpoint.FileName(Iteration), StringComparison.Ordinal)) SaveCheckpoint();
        return Result(outcome, clock, startIteration, message, grid);
    }

    /// <summary>Divergence check, logging, samples and checkpoints after one iteration; false with a message when a
    /// loss or the state is not finite. Only logging, evaluation and checkpoint steps wait for the device.</summary>
    bool AfterStep(Action<TrainProgress>? progress, Stopwatch clock, ref long windowStart, Stopwatch windowClock,
        double imagesPerIteration, out string? failure, out bool reachedTarget)
    {
        failure = null;
        reachedTarget = false;
        {
            OnIteration?.Invoke(Iteration);
            QualityFigures? quality = null, qualityEma = null;
            bool evaluating = evaluator != null && (Iteration % Options.EffectiveEvalEvery == 0 || Iteration == TargetIterations);
            bool logging = Iteration % Options.LogEvery == 0 || Iteration == TargetIterations || evaluating;
            // The losses and the finite-state flag are read where the trainer synchronizes anyway, and before anything is saved.
            LossStats s = default;
            if (logging || Iteration % Options.CheckpointEvery == 0)
            {
                s = ReadLossStats();
                failure = Divergence(s);
                if (failure != null) return false;
            }
            if (evaluating)
            {
                using (dev.HostSpan("eval.quality"))
                {
                    var (g, e) = Evaluate();
                    quality = QualityFigures.From(g);
                    qualityEma = e == null ? null : QualityFigures.From(e);
                }
                double fid = (qualityEma ?? quality).Fid;
                if (bestFid == null || fid < bestFid)
                {
                    bestFid = fid;
                    bestFidIteration = Iteration;
                    using (dev.HostSpan("checkpoint.best")) checkpoints.SaveBest(CurrentState(), NamedTensors());
                }
                reachedTarget = fid <= Options.TargetFid;
            }
            if (logging)
            {
                using var _ = dev.HostSpan("log.metrics");
                double rate = (Iteration - windowStart) * imagesPerIteration / Math.Max(windowClock.Elapsed.TotalSeconds, 1e-9);
                windowClock.Restart();
                windowStart = Iteration;
                var rec = new MetricsRecord(Iteration, sampler.State.Epoch, s.D, s.G, s.DOfX, s.DOfGzBeforeD, s.DOfGzAfterD, rate,
                    clock.Elapsed.TotalSeconds, quality, qualityEma);
                history.Add(rec);
                File.AppendAllText(Path.Combine(Options.OutDir, "metrics.jsonl"), rec.ToJsonLine() + "\n");
                var eta = rate > 0 ? TimeSpan.FromSeconds((TargetIterations - Iteration) * imagesPerIteration / rate) : TimeSpan.Zero;
                progress?.Invoke(new TrainProgress(rec, TargetIterations, sampler.BatchesPerEpoch, eta));
            }
            if (Iteration % Options.SampleEvery == 0)
                using (dev.HostSpan("samples.png")) SaveSamples(Path.Combine(Options.OutDir, "samples", $"iter_{Iteration:D6}.png"));
            if (Iteration % Options.CheckpointEvery == 0)
                using (dev.HostSpan("checkpoint.save")) SaveCheckpoint();
        }
        return true;
    }

    /// <summary>Null while the losses and every network's state are finite, else the one-line reason to stop.</summary>
    string? Divergence(LossStats s)
    {
        int bits = CheckNonFinite();
        if (!float.IsFinite(s.D) || !float.IsFinite(s.G))
        {
            string kept = LastGood;
            if (bits != 0) kept = $"the weights, BatchNorm statistics or Adam moments of {NetworksOf(bits)} were non-finite too; {kept}";
            return $"loss became {(float.IsFinite(s.D) ? s.G : s.D)} at iteration {Iteration} (Loss_D {s.D}, Loss_G {s.G}); " +
                $"losses are read every --log-every ({Options.LogEvery}) iterations and at checkpoints; stopped; {kept}";
        }
        if (bits != 0) return NonFiniteFailure(bits);
        lastFiniteCheck = Iteration;
        return null;
    }

    TrainResult Result(TrainOutcome outcome, Stopwatch clock, long startIteration, string message, string? grid = null)
    {
        if (history.Count > 0) LossPlot.Save(Path.Combine(Options.OutDir, "loss.svg"), history);
        double ips = (Iteration - startIteration) * (double)Options.BatchSize * Options.EffectiveDSteps / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        return new TrainResult(outcome, Iteration, lastCheckpoint, grid, clock.Elapsed, ips, message);
    }

    /// <summary>
    /// The metrics of the iterations up to the current one (a resumed run's checkpoint); metrics.jsonl is cut back to
    /// them (atomically), so iterations a resumed run redoes are not logged twice, and a torn last line is dropped.
    /// </summary>
    void LoadHistory()
    {
        history.Clear();
        RunFolder.FilterMetrics(Options.OutDir, line =>
        {
            // A torn last line from a killed run does not parse and is dropped.
            if (MetricsRecord.FromJsonLine(line) is not { } rec || rec.Iteration > Iteration) return false;
            history.Add(rec);
            return true;
        });
    }

    /// <summary>Columns of a conditional model's class grid: the first this many fixed latent vectors, each drawn as every class.</summary>
    public int ClassGridColumns => Math.Min(8, Options.BatchSize);

    /// <summary>
    /// The sampling generator (G_ema or G, evaluation mode) on the fixed noise; returns (N, C, H, W) in [-1, 1]. A
    /// conditional model gives its class grid: Classes rows of <see cref="ClassGridColumns"/>, row k asked for class k,
    /// column j the same latent vector in every row, so rows compare like with like.
    /// </summary>
    public float[] SampleFixed()
    {
        var g = SamplingGenerator();
        float[] images;
        if (gridGenerator == null) images = g.Forward(fixedZ).ToArray();
        else
        {
            int latent = Options.Model.LatentSize;
            var columns = fixedZ.ToArray().AsSpan(0, ClassGridColumns * latent);
            var (latents, classes) = BatchedGenerator.ClassGrid(columns, latent, Options.Model.Classes);
            images = gridGenerator.Run(g, latents, classes);
        }
        G.Training = true;
        return images;
    }

    public void SaveSamples(string path)
    {
        var m = Options.Model;
        var images = SampleFixed();
        if (gridGenerator != null)
            SampleGrid.Save(path, images, m.Classes * ClassGridColumns, m.Channels, m.ImageSize, m.ImageSize, ClassGridColumns,
                classes: Enumerable.Range(0, m.Classes * ClassGridColumns).Select(i => i / ClassGridColumns).ToArray());
        else SampleGrid.Save(path, images, Math.Min(64, Options.BatchSize), m.Channels, m.ImageSize, m.ImageSize);
    }

    public string SaveCheckpoint()
    {
        lastCheckpoint = checkpoints.Save(CurrentState(), NamedTensors());
        return lastCheckpoint;
    }

    TrainState CurrentState()
    {
        Ema?.Ready();    // its BatchNorm statistics are saved current
        return new TrainState
        {
            Options = Options, Iteration = Iteration, SamplerEpoch = sampler.State.Epoch, SamplerBatch = sampler.State.Batch,
            NoiseCounter = noise.Counter, DSteps = optD.Steps, GSteps = optG.Steps, Device = dev.ToString(), SavedUtc = DateTime.UtcNow,
            DataCount = Data.Count, EmaUpdates = Ema?.Updates ?? 0, BestFid = bestFid, BestFidIteration = bestFidIteration,
            LossConvention = GanLoss.Convention,
            Counters = NamedCounters().ToDictionary(c => c.Name, c => c.Counter.Value),
        };
    }

    IEnumerable<(string Name, Tensor Value)> NamedTensors()
    {
        foreach (var t in CheckpointStore.Tensors(G)) yield return t;
        foreach (var t in CheckpointStore.Tensors(D)) yield return t;
        foreach (var (n, t) in optG.State) yield return ($"optG.{n}", t);
        foreach (var (n, t) in optD.State) yield return ($"optD.{n}", t);
        if (Ema != null) foreach (var t in Ema.Tensors) yield return t;
    }

    IEnumerable<(string Name, LayerCounter Counter)> NamedCounters()
    {
        foreach (var c in CheckpointStore.Counters(G)) yield return c;
        foreach (var c in CheckpointStore.Counters(D)) yield return c;
        if (Ema != null) foreach (var c in Ema.Counters) yield return c;
    }

    void Restore(Checkpoint c)
    {
        if (c.State.DataCount != 0 && c.State.DataCount != Data.Count)
            throw new CheckpointException($"checkpoint at iteration {c.State.Iteration} was trained on {c.State.DataCount} images, " +
                $"{Data.Source} holds {Data.Count}: its data order cannot be continued (resume with the same data)");
        if (c.State.LossConvention > GanLoss.Convention)
            throw new CheckpointException($"checkpoint at iteration {c.State.Iteration} uses loss convention {c.State.LossConvention}, this GpuGan knows {GanLoss.Convention}: resume it with a newer GpuGan");
        if (c.State.Options.Loss == GanLossKind.Lsgan && c.State.LossConvention < GanLoss.Convention)
            throw new CheckpointException($"checkpoint at iteration {c.State.Iteration} was trained with LSGAN's old ½(l-t)² loss; " +
                "GpuGan now uses PyTorch's MSELoss (l-t)² (twice the gradient): start a new run");
        CheckpointStore.Restore(c, NamedTensors(), "checkpoint");
        CheckpointStore.RestoreCounters(c, NamedCounters(), "checkpoint");
        Iteration = c.State.Iteration;
        sampler.State = new SamplerState(c.State.SamplerEpoch, c.State.SamplerBatch);
        noise.Counter = c.State.NoiseCounter;
        optD.Steps = c.State.DSteps;
        optG.Steps = c.State.GSteps;
        bestFid = c.State.BestFid;
        bestFidIteration = c.State.BestFidIteration;
        if (Ema != null)
        {
            Ema.Updates = c.State.EmaUpdates;
            Ema.Restored();
        }
        lastCheckpoint = null;
    }

    public void Dispose()
    {
        nonFinite?.Dispose();
        deviceData?.Dispose();
        G.Dispose();
        D.Dispose();
        Ema?.Dispose();
        evaluator?.Dispose();
        classifier?.Dispose();
        optD.Dispose();
        optG.Dispose();
        loss.Dispose();
        real.Dispose();
        z.Dispose();
        fixedZ.Dispose();
        labels?.Dispose();
        gridGenerator?.Dispose();
    }
}
