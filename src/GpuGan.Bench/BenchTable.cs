using System.Globalization;

namespace GpuGan.Bench;

/// <summary>Prints the header and the TorchSharp | GpuGan | ratio tables.</summary>
public static class BenchTable
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Header(string title, MachineInfo m, BenchOptions o, string torchSharpVersion)
    {
        Console.WriteLine($"== GpuGan.Bench {title} ==");
        Console.WriteLine($"machine : {m}");
        Console.WriteLine($"load    : {m.LoadAverage} before the run, {MachineInfo.LoadAverageNow()} after (1/5/15 min; > {m.LogicalCores} means other work shared the cores)");
        Console.WriteLine($"threads : libtorch {o.Threads} (torch.set_num_threads, separate process); TorchSharp {torchSharpVersion}");
        Console.WriteLine($"model   : default DCGAN 28x28x1, z {DcganShapes.Nz}, batch {DcganShapes.Batch}");
    }

    public static void Kernels(IReadOnlyList<OpShape> ops, IReadOnlyList<BenchResult> torch, IReadOnlyList<BenchResult>? gpugan, BenchOptions o)
    {
        Console.WriteLine($"timing  : median of >= {o.MinReps} calls and >= {o.MinSeconds.ToString(Inv)} s per op after {o.Warmup} warm-up calls");
        Console.WriteLine();
        var t = torch.ToDictionary(r => r.Op);
        var g = gpugan?.ToDictionary(r => r.Op) ?? [];
        int w = Math.Max(2, ops.Max(op => op.Name.Length));
        Console.WriteLine($"{"op".PadRight(w)}  {"torch ms",10} {"min",8} {"GFLOP/s",8}  {"GpuGan ms",10} {"GFLOP/s",8}  {"GpuGan/torch",12}");
        Console.WriteLine(new string('-', w + 65));
        foreach (var op in ops)
        {
            t.TryGetValue(op.Name, out var a);
            g.TryGetValue(op.Name, out var b);
            Console.WriteLine($"{op.Name.PadRight(w)}  {Ms(a),10} {Min(a),8} {Gf(a),8}  {Ms(b),10} {Gf(b),8}  {Ratio(a?.MedianMs, b?.MedianMs),12}");
        }
        double sumT = torch.Sum(r => r.MedianMs), sumG = gpugan?.Sum(r => r.MedianMs) ?? 0;
        Console.WriteLine(new string('-', w + 65));
        Console.WriteLine($"{"sum of medians".PadRight(w)}  {sumT.ToString("F3", Inv),10} {"",8} {"",8}  {(gpugan is null ? "-" : sumG.ToString("F3", Inv)),10} {"",8}  {Ratio(sumT, gpugan is null ? null : sumG),12}");
        if (gpugan is null) Console.WriteLine(GpuGanSide.NotWired);
        Console.WriteLine("torch ms / GpuGan ms: median per call; min: fastest call. GFLOP/s at the median: convolutions and linear");
        Console.WriteLine("layers count 2 FLOPs per multiply-add; element-wise, BatchNorm, loss and Adam rows use nominal per-element counts (see OpShape.Flops).");
        Console.WriteLine("GpuGan/torch: ratio of medians, > 1 means GpuGan is slower.");
    }

    public static void Train(TrainResult torch, TrainResult? gpugan)
    {
        Console.WriteLine($"timing  : median of {torch.Iterations} iterations after {torch.WarmupIterations} warm-up; one iteration = D step (real + detached fake) + G step");
        Console.WriteLine();
        Console.WriteLine($"{"",-22} {"torch",12} {"GpuGan",12} {"GpuGan/torch",13}");
        Row("median ms/iteration", torch.MedianMs, gpugan?.MedianMs, "F1", ratio: true);
        Row("mean ms/iteration", torch.MeanMs, gpugan?.MeanMs, "F1", ratio: true);
        Row("min ms/iteration", torch.MinMs, gpugan?.MinMs, "F1", ratio: true);
        Row("images/s (median)", torch.ImagesPerSecond, gpugan?.ImagesPerSecond, "F0", ratio: false);
        Row("peak RSS MiB", torch.PeakRssKiB / 1024.0, gpugan is null ? null : gpugan.PeakRssKiB / 1024.0, "F0", ratio: false);
        Row("last loss D", torch.LastLossD, gpugan?.LastLossD, "F3", ratio: false);
        Row("last loss G", torch.LastLossG, gpugan?.LastLossG, "F3", ratio: false);
        if (gpugan is null) Console.WriteLine(GpuGanSide.NotWired);
    }

    static void Row(string name, double torch, double? gpugan, string fmt, bool ratio) =>
        Console.WriteLine($"{name,-22} {torch.ToString(fmt, Inv),12} {(gpugan is double g ? g.ToString(fmt, Inv) : "-"),12} {(ratio ? Ratio(torch, gpugan) : ""),13}");

    static string Ms(BenchResult? r) => r is null ? "-" : r.MedianMs.ToString(r.MedianMs < 1 ? "F4" : "F3", Inv);
    static string Min(BenchResult? r) => r is null ? "-" : r.MinMs.ToString(r.MinMs < 1 ? "F4" : "F3", Inv);
    static string Gf(BenchResult? r) => r is null ? "-" : r.Gflops.ToString("F2", Inv);
    static string Ratio(double? torch, double? gpugan) =>
        torch is double a && gpugan is double b && a > 0 ? (b / a).ToString("F2", Inv) + "x" : "-";
}
