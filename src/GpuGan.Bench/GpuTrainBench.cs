using System.Globalization;
using System.Text.Json;
using GpuGan.Device;

namespace GpuGan.Bench;

/// <summary>
/// "train --device cuda": the DCGAN training iteration in GpuGan (<see cref="GpuGanSide.MeasureGpuGanTrain"/>) and in
/// PyTorch on the same GPU (tools/dcgan_torch.py: the same model, init, loss, Adam and iteration; its "item" mode reads
/// the losses every step as GanTrainer.Step does), at each <c>--batch-size</c> (default 64 and 256). GpuGan runs first
/// and its device is disposed before python starts, so the two never share the GPU. Without python3, torch or a CUDA
/// device for torch, one line says which, and GpuGan's figures print alone. TorchSharp-cpu is not involved.
/// </summary>
public static class GpuTrainBench
{
    /// <summary>One side at one batch size; null figures: not measured.</summary>
    public sealed record Side(double? MedianMs, double? MeanMs, double? ImagesPerSecond);

    public sealed record Pair(int Batch, Side GpuGan, Side? Torch, double? TorchNoSyncImagesPerSecond, double? GpuGanNoReadImagesPerSecond = null);

    public static int Run(BenchOptions o)
    {
        var machine = MachineInfo.Current();
        var gpugan = new List<TrainResult>();
        string accelerator;
        int iterations;
        try
        {
            using var dev = GpuGanSide.CreateDevice(o);
            if (dev.Kind == DeviceKind.Cpu)
            {
                Console.Error.WriteLine($"train --device {o.Device}: no GPU found (it resolved to ILGPU's CPU accelerator); nothing measured. " +
                                        "`train` without --device compares the CPU accelerator with TorchSharp-cpu.");
                return 1;
            }
            accelerator = GpuGanSide.Describe(dev);
            iterations = GpuGanSide.TrainIterations(o, dev);
            foreach (int batch in o.BatchSizes)
            {
                Console.Error.WriteLine($"GpuGan train on {accelerator}, batch {batch}");
                gpugan.Add(GpuGanSide.MeasureGpuGanTrain(o, dev, batch));
            }
        }
        catch (DeviceException e)
        {
            Console.Error.WriteLine($"train --device {o.Device}: no such device here ({e.Message.Split('\n')[0].Trim()}); nothing measured. " +
                                    "`train` without --device compares the CPU accelerator with TorchSharp-cpu.");
            return 1;
        }

        string? torchVersion = null, torchDevice = null, problem = null;
        var pairs = new List<Pair>();
        foreach (var g in gpugan)
        {
            Side? torch = null;
            double? nosync = null;
            if (problem is null)
            {
                Console.Error.WriteLine($"PyTorch (tools/dcgan_torch.py) on {o.Device}, batch {g.Batch}");
                string json = Path.Combine(Path.GetTempPath(), $"gpugan-bench-torch-train-{Environment.ProcessId}.json");
                try
                {
                    var run = PythonPeer.Run("dcgan_torch.py",
                        ["--device", o.Device.StartsWith("cuda", StringComparison.Ordinal) ? o.Device : "cuda",
                         "--batch-size", g.Batch.ToString(CultureInfo.InvariantCulture),
                         "--iterations", iterations.ToString(CultureInfo.InvariantCulture),
                         "--warmup", o.TrainWarmup.ToString(CultureInfo.InvariantCulture), "--json", json], timeoutSeconds: 900);
                    if (run.Problem is { } p) problem = p;
                    else
                    {
                        using var doc = JsonDocument.Parse(File.ReadAllText(json));
                        var root = doc.RootElement;
                        torchVersion = root.GetProperty("torch").GetString();
                        torchDevice = root.GetProperty("device").GetString();
                        var item = root.GetProperty("modes").GetProperty("item");
                        double median = item.GetProperty("median_ms_per_iteration").GetDouble();
                        torch = new Side(median, item.GetProperty("ms_per_iteration").GetDouble(), g.Batch / (median / 1000.0));
                        nosync = root.GetProperty("modes").GetProperty("nosync").GetProperty("images_per_second").GetDouble();
                    }
                }
                finally
                {
                    if (File.Exists(json)) File.Delete(json);
                }
            }
            pairs.Add(new Pair(g.Batch, new Side(g.MedianMs, g.MeanMs, g.ImagesPerSecond), torch, nosync, g.NoReadImagesPerSecond));
        }

        Console.WriteLine($"machine : {machine}; load average {machine.LoadAverage}");
        Console.WriteLine($"GpuGan  : {accelerator}; GanTrainer.Step, median of {iterations} iterations after {o.GpuGanTrainWarmup} warm-up, losses read every step (embedded MNIST on the device)");
        Console.WriteLine(problem is null
            ? $"PyTorch : torch {torchVersion} on {torchDevice}, tools/dcgan_torch.py 'item' mode (losses read every step), median of {iterations} iterations after {o.TrainWarmup} warm-up; FP32 (TF32 off), cudnn.benchmark"
            : $"PyTorch : not measured ({problem}); GpuGan's figures only");
        Console.WriteLine("one iteration = D step (real + detached fake) + G step (non-saturating BCE), Adam 2e-4 (0.5, 0.999); the same DCGAN (G 778,305, D 138,817 parameters)");
        Console.WriteLine();
        foreach (var line in Table(pairs)) Console.WriteLine(line);
        return 0;
    }

    /// <summary>Per batch size: median and mean ms/iteration, images/s at the median, and GpuGan / PyTorch.</summary>
    public static IEnumerable<string> Table(IReadOnlyList<Pair> pairs)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double? v, string fmt) => v is double x ? x.ToString(fmt, inv) : "-";
        string Ratio(double? num, double? den) => num is double a && den is double b && a > 0 && b > 0 ? (a / b).ToString("G3", inv) + "x" : "-";
        yield return $"{"batch",5}  {"",-24} {"GpuGan",10} {"PyTorch",10} {"GpuGan/PyTorch",15}";
        foreach (var p in pairs)
        {
            yield return $"{p.Batch,5}  {"median ms/iteration",-24} {F(p.GpuGan.MedianMs, "F2"),10} {F(p.Torch?.MedianMs, "F2"),10} {Ratio(p.Torch?.MedianMs, p.GpuGan.MedianMs),15}";
            yield return $"{"",5}  {"mean ms/iteration",-24} {F(p.GpuGan.MeanMs, "F2"),10} {F(p.Torch?.MeanMs, "F2"),10} {Ratio(p.Torch?.MeanMs, p.GpuGan.MeanMs),15}";
            yield return $"{"",5}  {"images/s (median)",-24} {F(p.GpuGan.ImagesPerSecond, "F0"),10} {F(p.Torch?.ImagesPerSecond, "F0"),10} {Ratio(p.GpuGan.ImagesPerSecond, p.Torch?.ImagesPerSecond),15}";
            if (p.TorchNoSyncImagesPerSecond is not null || p.GpuGanNoReadImagesPerSecond is not null)
                yield return $"{"",5}  {"images/s, no loss reads",-24} {F(p.GpuGanNoReadImagesPerSecond, "F0"),10} {F(p.TorchNoSyncImagesPerSecond, "F0"),10} {Ratio(p.GpuGanNoReadImagesPerSecond, p.TorchNoSyncImagesPerSecond),15}";
        }
        yield return "GpuGan/PyTorch = PyTorch ms / GpuGan ms (= GpuGan images/s / PyTorch images/s): 1x = as fast, 0.5x = half as fast.";
    }
}
