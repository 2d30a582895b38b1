using System.Globalization;

namespace GpuGan.Bench;

/// <summary>Prints the header and the TorchSharp | GpuGan | speed tables.</summary>
public static class BenchTable
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Header(string title, MachineInfo m, BenchOptions o, string torchSharpVersion, GpuGanInfo gpugan)
    {
        Console.WriteLine($"== GpuGan.Bench {title} ==");
        Console.WriteLine($"machine : {m}");
        Console.WriteLine($"load    : {m.LoadAverage} before the run, {MachineInfo.LoadAverageNow()} after (1/5/15 min; > {m.LogicalCores} means other work shared the cores)");
        Console.WriteLine($"threads : libtorch {o.Threads} (torch.set_num_threads, child process); GpuGan --threads {o.Threads} (parent process)");
        Console.WriteLine($"torch   : TorchSharp-cpu {torchSharpVersion} (libtorch CPU)");
        Console.WriteLine($"GpuGan  : {gpugan.Accelerator}");
        Console.WriteLine($"model   : GpuGan's default DCGAN (Dcgan28) 28x28x1, z {DcganShapes.Nz}, batch {DcganShapes.Batch}; " +
                          $"G {DcganShapes.GParams:N0} params, D {DcganShapes.DParams:N0} params");
    }

    public static void Kernels(IReadOnlyList<OpShape> ops, IReadOnlyList<BenchResult> torch, IReadOnlyList<BenchResult> gpugan, BenchOptions o, GpuGanInfo info,
        IReadOnlyList<BenchResult>? ilgpu = null)
    {
        Console.WriteLine($"timing  : torch: median of >= {o.MinReps} calls and >= {o.MinSeconds.ToString(Inv)} s per op after {o.Warmup} warm-up calls");
        Console.WriteLine($"          GpuGan: median of >= {info.MinReps} calls and >= {info.MinSeconds?.ToString(Inv)} s per op after {info.Warmup} warm-up calls " +
                          "(the first compiles the kernels), device synchronized after every call" +
                          (info.Kind == "Cpu" ? "; fewer calls on the CPU accelerator, where a big convolution takes ~1 s" : ""));
        Console.WriteLine();
        var t = torch.ToDictionary(r => r.Op);
        var g = gpugan.ToDictionary(r => r.Op);
        var il = (ilgpu ?? []).ToDictionary(r => r.Op);
        string ilHead = ilgpu is null ? "" : $"  {"ILGPU-only ms",13} {"GFLOP/s",8}";
        int w = Math.Max(2, ops.Max(op => op.Name.Length));
        string head = $"{"op".PadRight(w)}  {"torch ms",10} {"min",9} {"GFLOP/s",8}  {"GpuGan ms",10} {"min",9} {"GFLOP/s",8} {"reps",5}  {"GpuGan speed",12}{ilHead}";
        Console.WriteLine(head);
        Console.WriteLine(new string('-', head.Length));
        var notes = new List<string>();
        foreach (var op in ops)
        {
            t.TryGetValue(op.Name, out var a);
            g.TryGetValue(op.Name, out var b);
            string mark = "";
            if (GpuGanSide.Notes.TryGetValue(op.Name, out var note)) { notes.Add(note); mark = new string('*', notes.Count); }
            Console.WriteLine($"{op.Name.PadRight(w)}  {Ms(a),10} {Min(a),9} {Gf(a),8}  {Ms(b),10} {Min(b),9} {Gf(b),8} {(b is null ? "" : b.Repetitions.ToString(Inv)),5}  {Speed(a?.MedianMs, b?.MedianMs),12}{IlgpuCells(ilgpu, il, op.Name)}{(mark == "" ? "" : " " + mark)}");
        }
        // Sums over the ops both sides measured, so the ratio compares like with like.
        var both = ops.Where(op => t.ContainsKey(op.Name) && g.ContainsKey(op.Name)).ToList();
        double sumT = both.Sum(op => t[op.Name].MedianMs), sumG = both.Sum(op => g[op.Name].MedianMs);
        Console.WriteLine(new string('-', head.Length));
        Console.WriteLine($"{"sum of medians (rows with both)".PadRight(w)}  {F3(sumT),10} {"",9} {"",8}  {F3(sumG),10} {"",9} {"",8} {"",5}  {Speed(sumT, sumG),12}");
        for (int i = 0; i < notes.Count; i++) Console.WriteLine($"{new string('*', i + 1)} {notes[i]}");
        Console.WriteLine("ms: median per call; min: fastest call. GFLOP/s at the median: convolutions and linear layers count 2 FLOPs");
        Console.WriteLine("per multiply-add (bias terms not counted); element-wise, BatchNorm, loss and Adam rows use nominal per-element");
        Console.WriteLine("counts (see OpShape.Flops). bwd-weight includes the bias gradient on both sides.");
        Console.WriteLine("GpuGan speed = torch ms / GpuGan ms: 1x = as fast as torch, 0.01x = 100 times slower, 2x = twice as fast.");
        if (ilgpu is not null)
            Console.WriteLine("ILGPU-only: the same op on the CPU accelerator with --cpu-kernels ilgpu (ILGPU's CPU kernels, no host SIMD variants).");
    }

    static string IlgpuCells(IReadOnlyList<BenchResult>? ilgpu, Dictionary<string, BenchResult> il, string op)
    {
        if (ilgpu is null) return "";
        il.TryGetValue(op, out var r);
        return $"  {Ms(r),13} {Gf(r),8}";
    }

    public static void Train(TrainResult torch, TrainResult gpugan)
    {
        Console.WriteLine($"params  : G torch {torch.ParamsG:N0} / GpuGan {gpugan.ParamsG:N0}; D torch {torch.ParamsD:N0} / GpuGan {gpugan.ParamsD:N0}" +
                          (torch.ParamsG == gpugan.ParamsG && torch.ParamsD == gpugan.ParamsD ? " (match)" : " (MISMATCH)"));
        Console.WriteLine($"timing  : torch: median of {torch.Iterations} iterations after {torch.WarmupIterations} warm-up; " +
                          $"GpuGan: median of {gpugan.Iterations} iterations after {gpugan.WarmupIterations} warm-up (GanTrainer.Step)");
        Console.WriteLine("          one iteration = D step (real + detached fake) + G step (non-saturating BCE), Adam 2e-4 (0.5, 0.999)");
        Console.WriteLine("          torch: random 'real' batches made before timing; GpuGan: embedded MNIST subset, each batch gathered inside the step");
        Console.WriteLine();
        Console.WriteLine($"{"",-22} {"torch",12} {"GpuGan",12} {"GpuGan speed",13}");
        Row("median ms/iteration", torch.MedianMs, gpugan.MedianMs, "F1", Speed(torch.MedianMs, gpugan.MedianMs));
        Row("mean ms/iteration", torch.MeanMs, gpugan.MeanMs, "F1", Speed(torch.MeanMs, gpugan.MeanMs));
        Row("min ms/iteration", torch.MinMs, gpugan.MinMs, "F1", Speed(torch.MinMs, gpugan.MinMs));
        Row("images/s (median)", torch.ImagesPerSecond, gpugan.ImagesPerSecond, "F1", Speed(gpugan.ImagesPerSecond, torch.ImagesPerSecond));
        Row("peak RSS MiB", torch.PeakRssKiB / 1024.0, gpugan.PeakRssKiB / 1024.0, "F0", "");
        Row("last loss D", torch.LastLossD, gpugan.LastLossD, "F3", "");
        Row("last loss G", torch.LastLossG, gpugan.LastLossG, "F3", "");
        Console.WriteLine("GpuGan speed = torch ms / GpuGan ms (= GpuGan images/s / torch images/s): 0.01x = 100 times slower.");
        Console.WriteLine("peak RSS: VmHWM of each side's own process (torch child; GpuGan parent, which never loads libtorch).");
    }

    static void Row(string name, double torch, double gpugan, string fmt, string speed) =>
        Console.WriteLine($"{name,-22} {torch.ToString(fmt, Inv),12} {gpugan.ToString(fmt, Inv),12} {speed,13}");

    static string F3(double v) => v.ToString("F3", Inv);
    static string Ms(BenchResult? r) => r is null ? "-" : r.MedianMs.ToString(r.MedianMs < 1 ? "F4" : "F3", Inv);
    static string Min(BenchResult? r) => r is null ? "-" : r.MinMs.ToString(r.MinMs < 1 ? "F4" : "F3", Inv);
    static string Gf(BenchResult? r) => r is null ? "-" : r.Gflops.ToString(r.Gflops < 0.1 ? "F4" : "F2", Inv);

    /// <summary>torch ms / GpuGan ms with three significant digits, e.g. "0.0123x".</summary>
    static string Speed(double? torchMs, double? gpuganMs)
    {
        if (torchMs is not double a || gpuganMs is not double b || a <= 0 || b <= 0) return "-";
        double s = a / b;
        return (s >= 100 ? s.ToString("F0", Inv) : s.ToString("G3", Inv)) + "x";
    }
}
