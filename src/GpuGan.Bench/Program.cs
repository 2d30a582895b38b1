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
        "kernels" => Commands.Kernels(options),
        "train" => Commands.Train(options),
        "gemm" => GemmBench.Gemm(options),
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

    static void WriteJson(BenchOptions o, BenchReport report)
    {
        if (o.JsonPath is null) return;
        File.WriteAllText(o.JsonPath, JsonSerializer.Serialize(report, BenchJson.Indented));
        Console.WriteLine($"results written to {o.JsonPath}");
    }
}
