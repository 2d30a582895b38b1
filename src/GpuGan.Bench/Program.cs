using System.Text.Json;
using GpuGan.Bench;

// GpuGan.Bench: TorchSharp (libtorch CPU) vs GpuGan at the default DCGAN's shapes.
// Every TorchSharp measurement runs in a child process (hidden "torch-worker" command), so libtorch's
// spinning thread pool never runs beside anything else; the GpuGan side runs in this process.
try
{
    if (args.Length > 0 && args[0] == TorchWorker.Command)
        return TorchWorker.Run(BenchOptions.Parse(args[1..]));

    var options = BenchOptions.Parse(args);
    return options.Mode switch
    {
        "help" => Commands.Help(),
        "kernels" => Commands.Kernels(options),
        "train" => options.GpuRequested ? GpuTrainBench.Run(options) : Commands.Train(options),
        "quality" => Commands.Quality(options),
        "gemm" => options.GpuRequested ? GpuGemmBench.Run(options) : GemmBench.Gemm(options),
        "step" => GemmBench.Step(options),
        _ => throw new ArgumentException($"unknown command '{options.Mode}'"),
    };
}
catch (Exception e) when (e is ArgumentException or GpuGan.Options.UsageException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
catch (Exception e) when (e is InvalidOperationException or GpuGan.Device.DeviceException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static class Commands
{
    // The GpuGan side runs first, in this process, and its device is disposed before the torch child starts:
    // the two never run at the same time, and this process's peak RSS is GpuGan's alone.
    public static int Kernels(BenchOptions o)
    {
        var machine = MachineInfo.Current();
        GpuGanInfo info;
        IReadOnlyList<BenchResult> gpugan;
        IReadOnlyList<BenchResult>? ilgpu = null;
        using (var dev = GpuGanSide.CreateDevice(o))
        {
            var (warmup, minReps, minSeconds) = GpuGanSide.KernelProtocol(o, dev);
            info = new GpuGanInfo(GpuGanSide.Describe(dev), dev.Kind.ToString(), warmup, minReps, minSeconds, null);
            Console.Error.WriteLine($"GpuGan kernels on {info.Accelerator}");
            gpugan = GpuGanSide.MeasureGpuGan(DcganShapes.Ops, o, dev);
            // --cpu-kernels both: the same ops again with ILGPU's CPU kernels only, for a side-by-side column.
            if (o.CpuKernels.Equals("both", StringComparison.OrdinalIgnoreCase) && dev.Kind == GpuGan.Device.DeviceKind.Cpu)
            {
                using var ilgpuDev = GpuGan.Device.ComputeDevice.CreateCpu(o.Threads, cpuKernels: GpuGan.Device.CpuKernelVariant.Ilgpu);
                Console.Error.WriteLine("GpuGan kernels again with ILGPU's CPU kernels only");
                ilgpu = GpuGanSide.MeasureGpuGan(DcganShapes.Ops, o, ilgpuDev);
            }
        }
        var torch = ChildProcess.RunTorchWorker(o);
        BenchTable.Header("kernels", machine, o, torch.TorchSharpVersion, info);
        BenchTable.Kernels(DcganShapes.Ops, torch.Kernels ?? [], gpugan, o, info, ilgpu);
        WriteJson(o, new BenchReport("kernels", machine, o.Threads, torch.TorchSharpVersion, info, torch.Kernels, gpugan, null, null));
        return 0;
    }

    public static int Train(BenchOptions o)
    {
        var machine = MachineInfo.Current();
        GpuGanInfo info;
        TrainResult gpugan;
        using (var dev = GpuGanSide.CreateDevice(o))
        {
            info = new GpuGanInfo(GpuGanSide.Describe(dev), dev.Kind.ToString(), null, null, null, GpuGanSide.TrainIterations(o, dev));
            Console.Error.WriteLine($"GpuGan train on {info.Accelerator}");
            gpugan = GpuGanSide.MeasureGpuGanTrain(o, dev);
        }
        var torch = ChildProcess.RunTorchWorker(o);
        var torchTrain = torch.Train ?? throw new InvalidOperationException("torch worker sent no train result");
        BenchTable.Header("train", machine, o, torch.TorchSharpVersion, info);
        BenchTable.Train(torchTrain, gpugan);
        WriteJson(o, new BenchReport("train", machine, o.Threads, torch.TorchSharpVersion, info, null, null, torchTrain, gpugan));
        return 0;
    }

    /// <summary>Trains the default DCGAN in GpuGan (this process) and then in TorchSharp (a child) for each seed, and
    /// scores both sides' samples with GpuGan's metrics, after all training is done, through one <see cref="QualityScorer"/>.</summary>
    public static int Quality(BenchOptions o)
    {
        var machine = MachineInfo.Current();
        GpuGanInfo? info = null;
        string version = "?";
        var trained = new List<(ulong Seed, GpuGanQuality.Result GpuGan, QualityTraining Torch, float[] TorchSamples)>();
        string samplesPath = Path.Combine(Path.GetTempPath(), $"gpugan-bench-torch-samples-{Environment.ProcessId}.f32");
        try
        {
            foreach (ulong seed in o.Seeds)
            {
                GpuGanQuality.Result gpugan;
                using (var dev = GpuGanSide.CreateDevice(o))
                {
                    info ??= new GpuGanInfo(GpuGanSide.Describe(dev), dev.Kind.ToString(), null, null, null, o.Iterations);
                    Console.Error.WriteLine($"seed {seed}: GpuGan on {info.Accelerator}");
                    gpugan = GpuGanQuality.TrainAndSample(o, dev, seed);
                }
                Console.Error.WriteLine($"seed {seed}: TorchSharp in a child process");
                var worker = ChildProcess.RunTorchWorker(o.QualityWorkerArgs(seed, samplesPath));
                version = worker.TorchSharpVersion;
                var torch = worker.Quality ?? throw new InvalidOperationException("torch worker sent no quality result");
                trained.Add((seed, gpugan, torch, SampleFile.Read(samplesPath, o.Count)));
                File.Delete(samplesPath);
            }
        }
        finally
        {
            if (File.Exists(samplesPath)) File.Delete(samplesPath);
        }

        Console.Error.WriteLine($"scoring {trained.Count * (o.Ema > 0 ? 3 : 2)} sample sets of {o.Count}");
        using var scorer = new QualityScorer(o);
        var runs = trained.Select(r => new QualitySeed(r.Seed,
            new QualitySide("TorchSharp G", r.Torch, scorer.Score(r.TorchSamples)),
            new QualitySide("GpuGan G", r.GpuGan.Training, scorer.Score(r.GpuGan.G)),
            r.GpuGan.Ema is { } ema ? new QualitySide("GpuGan G_ema", r.GpuGan.Training, scorer.Score(ema)) : null)).ToList();
        var floor = scorer.Floor(o.Count);

        BenchTable.Header("quality", machine, o, version, info!);
        QualityTable.Print(o, runs, floor, scorer.Description);
        WriteJson(o, new QualityBenchReport("quality", machine, o.Threads, version, info!, o.Iterations, DcganShapes.Batch, o.Count, o.Ema,
            o.Seeds, scorer.Description, runs, QualityTable.Means(runs), floor));
        return 0;
    }

    public static int Help()
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }

    static void WriteJson<T>(BenchOptions o, T report)
    {
        if (o.JsonPath is null) return;
        File.WriteAllText(o.JsonPath, JsonSerializer.Serialize(report, BenchJson.Indented));
        Console.WriteLine($"results written to {o.JsonPath}");
    }
}
