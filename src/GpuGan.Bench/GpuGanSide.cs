using System.Diagnostics;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Losses;
using GpuGan.Models;
using GpuGan.Ops;
using GpuGan.Optim;
using GpuGan.Rng;
using GpuGan.Training;

namespace GpuGan.Bench;

/// <summary>
/// The GpuGan (ILGPU) side of the benchmark, in the parent process (libtorch never loads there): every op of
/// <see cref="DcganShapes.Ops"/> through GpuGan's layers and per-op dispatch (src/GpuGan/Layers, src/GpuGan/Ops),
/// and the whole training iteration through <see cref="GanTrainer.Step"/>.
/// </summary>
public static class GpuGanSide
{
    /// <summary>The accelerator <c>--device</c> names (auto: CUDA, else an OpenCL GPU, else ILGPU's CPU accelerator).</summary>
    public static ComputeDevice CreateDevice(BenchOptions o)
    {
        var cpuKernels = o.CpuKernels.ToLowerInvariant() switch
        {
            "ilgpu" => CpuKernelVariant.Ilgpu,
            "simd" or "both" => CpuKernelVariant.Simd,
            var v => throw new ArgumentException($"--cpu-kernels '{v}': expected simd, ilgpu or both"),
        };
        return ComputeDevice.Create(DeviceSpec.Parse(o.Device), cpuThreads: o.Threads, cpuKernels: cpuKernels);
    }

    /// <summary>"cpu (CPU accelerator, 2 worker threads)" and the like, for the header.</summary>
    public static string Describe(ComputeDevice dev) =>
        dev.Kind == DeviceKind.Cpu
            ? $"{dev.Id} ({dev.Name}, ILGPU CPU accelerator, {dev.Accelerator.MaxNumThreads} worker threads; " +
              (dev.UsesHostKernels ? $"host SIMD GEMM and unfold on {dev.CpuWorkers} threads)" : "ILGPU kernels only)")
            : $"{dev.Id} ({dev.Name}, {dev.Accelerator.MemorySize / (1024.0 * 1024 * 1024):F1} GiB)";

    /// <summary>The repetition rule the GpuGan side uses on this device (fewer calls on the CPU accelerator).</summary>
    public static (int Warmup, int MinReps, double MinSeconds) KernelProtocol(BenchOptions o, ComputeDevice dev) =>
        dev.Kind == DeviceKind.Cpu && !dev.UsesHostKernels
            ? (o.GpuGanWarmup ?? 2, o.GpuGanMinReps ?? 5, o.GpuGanMinSeconds ?? o.MinSeconds)
            : (o.GpuGanWarmup ?? o.Warmup, o.GpuGanMinReps ?? o.MinReps, o.GpuGanMinSeconds ?? o.MinSeconds);

    public static int TrainIterations(BenchOptions o, ComputeDevice dev) =>
        o.GpuGanIterations ?? (dev.Kind == DeviceKind.Cpu && !dev.UsesHostKernels ? 10 : 50);

    /// <summary>Rows whose GpuGan figure covers more (or less) than the torch op; shown under the table.</summary>
    public static readonly Dictionary<string, string> Notes = new();

    /// <summary>One <see cref="BenchResult"/> per op (ops it cannot run are left out).</summary>
    public static IReadOnlyList<BenchResult> MeasureGpuGan(IReadOnlyList<OpShape> ops, BenchOptions options, ComputeDevice dev)
    {
        var (warmup, minReps, minSeconds) = KernelProtocol(options, dev);
        var rng = new NoiseGenerator(dev, 7, 0);
        var results = new List<BenchResult>();
        foreach (var op in ops)
        {
            using var setup = new Setup(dev, rng);
            Action? call = Build(op, setup);
            if (call is null) continue;
            dev.Synchronize();
            var stats = Timing.Measure(() => { call(); dev.Synchronize(); }, warmup, minReps, minSeconds);
            var r = new BenchResult(op.Name, stats.MedianMs, stats.MinMs, stats.Repetitions, op.Flops);
            Console.Error.WriteLine($"  GpuGan {op.Name,-44} {r.MedianMs,10:F4} ms {r.Gflops,9:F2} GFLOP/s  ({r.Repetitions} reps)");
            results.Add(r);
        }
        return results;
    }

    /// <summary>Owns what one op's measurement allocates (layers, tensors), freed after the op.</summary>
    sealed class Setup(ComputeDevice dev, NoiseGenerator rng) : IDisposable
    {
        readonly List<IDisposable> owned = new();
        public ComputeDevice Dev => dev;
        public T Own<T>(T d) where T : IDisposable { owned.Add(d); return d; }
        public Tensor Randn(params int[] shape)
        {
            var t = Own(dev.Allocate(shape));
            rng.Normal(t);
            return t;
        }
        public void Dispose()
        {
            dev.Synchronize();
            for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
        }
    }

    static Action? Build(OpShape op, Setup s)
    {
        var dev = s.Dev;
        int n = op.N;
        int[] Input() => op.H == 1 && op.W == 1 ? [n, op.InC] : [n, op.InC, op.H, op.W];
        var k4 = ConvOptions.Square(op.K, op.Stride, op.Pad);

        // Forward once (keeps what Backward needs), then time Backward with the gradients the row asks for.
        Action Passes(Layer layer, Tensor x)
        {
            if (op.Pass == OpPass.Forward) return () => layer.Forward(x);
            var y = layer.Forward(x);
            var dy = s.Randn(y.Shape);
            switch (op.Pass)
            {
                case OpPass.BackwardData: // dx only
                    layer.ParameterGradients = false;
                    return () => layer.Backward(dy, inputGradient: true);
                case OpPass.BackwardWeight: // dW and db
                    layer.ParameterGradients = true;
                    return () => layer.Backward(dy, inputGradient: false);
                default: // every gradient: dx, dW, db
                    layer.ParameterGradients = true;
                    return () => layer.Backward(dy, inputGradient: true);
            }
        }

        switch (op.Kind)
        {
            case OpKind.Linear:
                return Passes(s.Own(new Linear(dev, "fc", op.InC, op.OutC)), s.Randn(n, op.InC));
            case OpKind.Conv2d:
                return Passes(s.Own(new Conv2d(dev, "conv", op.InC, op.OutC, k4)), s.Randn(Input()));
            case OpKind.ConvTranspose2d:
                return Passes(s.Own(new ConvTranspose2d(dev, "deconv", op.InC, op.OutC, k4)), s.Randn(Input()));
            case OpKind.BatchNorm1d:
            case OpKind.BatchNorm2d:
                return Passes(s.Own(new BatchNorm(dev, "bn", op.InC)), s.Randn(Input()));
            case OpKind.Relu:
                return Passes(s.Own(new Activation(dev, "relu", ActivationFunction.Relu)), s.Randn(Input()));
            case OpKind.LeakyRelu:
                return Passes(s.Own(new Activation(dev, "lrelu", ActivationFunction.LeakyRelu, (float)DcganShapes.LeakySlope)), s.Randn(Input()));
            case OpKind.Tanh:
                return Passes(s.Own(new Activation(dev, "tanh", ActivationFunction.Tanh)), s.Randn(Input()));
            case OpKind.BceWithLogits:
            {
                // GpuGan's loss kernel writes the per-sample loss, dL/dlogits and the means in one launch
                // (LossOps.Compute): the fwd row times that fused call, there is no separate bwd.
                if (op.Pass != OpPass.Forward)
                {
                    Notes[op.Name] = "no separate pass in GpuGan: the gradient comes out of the fwd row's fused kernel";
                    return null;
                }
                Notes[op.Name] = "GpuGan: loss + dL/dlogits + means in one launch (LossOps.Compute), i.e. fwd+bwd";
                var loss = s.Own(new GanLoss(dev, GanLossKind.Bce));
                var logits = s.Randn(n, 1);
                return () => loss.DiscriminatorReal(logits); // BCE-with-logits against target 1, like the torch row
            }
            case OpKind.AdamStep:
            {
                var config = new ModelConfig();
                var definition = config.Definition;
                Layer model = op.Network == "G" ? s.Own(definition.Generator(dev, config)) : s.Own(definition.Discriminator(dev, config));
                var rng = new NoiseGenerator(dev, 3, 0);
                definition.Initialize(model, rng);
                foreach (var p in model.Parameters) rng.Normal(p.Grad, 0f, 0.01f);
                long count = ModelDefinition.CountParameters(model);
                if (count != op.ParamCount)
                    throw new InvalidOperationException($"GpuGan's {op.Network} has {count} parameters, the op list says {op.ParamCount}");
                // One OptimizerOps.Adam launch per parameter tensor, as the trainer does.
                var adam = s.Own(new Adam(dev, model.Parameters, new AdamOptions(2e-4f, 0.5f, 0.999f)));
                return adam.Step;
            }
            default:
                return null;
        }
    }

    /// <summary>The DCGAN training iteration with GpuGan's trainer (embedded MNIST subset, batch 64, BCE, Adam 2e-4 (0.5, 0.999)).</summary>
    public static TrainResult MeasureGpuGanTrain(BenchOptions options, ComputeDevice dev, int batch = DcganShapes.Batch)
    {
        string outDir = Path.Combine(Path.GetTempPath(), $"gpugan-bench-{Environment.ProcessId}");
        try
        {
            var train = new TrainOptions { BatchSize = batch, OutDir = outDir, EvalEvery = 0 };
            using var trainer = new GanTrainer(dev, train, DatasetLoader.LoadEmbedded());
            long paramsG = ModelDefinition.CountParameters(trainer.G), paramsD = ModelDefinition.CountParameters(trainer.D);
            int warmup = options.GpuGanTrainWarmup, iterations = TrainIterations(options, dev);
            LossStats last = default;
            for (int i = 0; i < warmup; i++)
            {
                trainer.Step();
                last = trainer.ReadLossStats();
            }
            var samples = new List<double>(iterations);
            for (int i = 0; i < iterations; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                trainer.Step();
                last = trainer.ReadLossStats(); // the device is synchronized: PyTorch's 'item' mode reads its losses every step too
                samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if ((i + 1) % 5 == 0 || i + 1 == iterations)
                    Console.Error.WriteLine($"  GpuGan iteration {i + 1}/{iterations}: {samples[^1]:F1} ms  loss D {last.D:F3}  loss G {last.G:F3}");
            }
            var st = Timing.Summarize(samples);
            double? noReads = null;
            if (dev.Kind != DeviceKind.Cpu)
            {
                // As the trainer runs between logging steps: the host queues iterations and waits once.
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < iterations; i++) trainer.Step();
                last = trainer.ReadLossStats();
                noReads = iterations * (double)batch / Stopwatch.GetElapsedTime(t0).TotalSeconds;
            }
            int threads = dev.Kind == DeviceKind.Cpu ? dev.Accelerator.MaxNumThreads : 0;
            return new TrainResult(threads, batch, warmup, iterations, st.MedianMs, st.MeanMs, st.MinMs,
                batch / (st.MedianMs / 1000.0), MachineInfo.PeakRssKiB(), last.D, last.G)
            { ParamsG = paramsG, ParamsD = paramsD, NoReadImagesPerSecond = noReads };
        }
        finally
        {
            try { if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true); } catch (IOException) { }
        }
    }
}
