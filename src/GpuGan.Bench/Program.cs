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
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static class Commands
{
    public static int Kernels(BenchOptions o)
    {
        var machine = MachineInfo.Current();
        var torch = ChildProcess.RunTorchWorker(o);
        var gpugan = GpuGanSide.TryMeasure(() => GpuGanSide.MeasureGpuGan(DcganShapes.Ops, o));
        BenchTable.Header("kernels", machine, o, torch.TorchSharpVersion);
        BenchTable.Kernels(DcganShapes.Ops, torch.Kernels ?? [], gpugan, o);
        WriteJson(o, new BenchReport("kernels", machine, o.Threads, torch.TorchSharpVersion, torch.Kernels, gpugan, null, null));
        return 0;
    }

    public static int Train(BenchOptions o)
    {
        var machine = MachineInfo.Current();
        var torch = ChildProcess.RunTorchWorker(o);
        var gpugan = GpuGanSide.TryMeasure(() => GpuGanSide.MeasureGpuGanTrain(o));
        BenchTable.Header("train", machine, o, torch.TorchSharpVersion);
        BenchTable.Train(torch.Train ?? throw new InvalidOperationException("torch worker sent no train result"), gpugan);
        WriteJson(o, new BenchReport("train", machine, o.Threads, torch.TorchSharpVersion, null, null, torch.Train, gpugan));
        return 0;
    }

    static void WriteJson(BenchOptions o, BenchReport report)
    {
        if (o.JsonPath is null) return;
        File.WriteAllText(o.JsonPath, JsonSerializer.Serialize(report, BenchJson.Indented));
        Console.WriteLine($"results written to {o.JsonPath}");
    }
}
