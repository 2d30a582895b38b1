using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Metrics;
using GpuGan.Options;
using GpuGan.Rng;
using GpuGan.Training;
using GpuGan.Text;

namespace GpuGan.Cli;

/// <summary>
/// gpugan eval: sample quality of a checkpoint's generator or of images from any tool, judged by the MNIST
/// classifier against the embedded held-out digits, beside the floor (real training digits) and the ceiling
/// (uniform noise).
/// </summary>
public static class EvalCommand
{
    const int DefaultCount = 2000, NoiseStream = 4;

    public static readonly OptionSpec[] Specs =
    [
        new("checkpoint", "PATH", "", "a checkpoint file or run folder (its latest checkpoint): evaluate its generator"),
        new("images", "PATH", "", "or evaluate images: an IDX file (raw or .gz), a folder with train-images-idx3-ubyte, or a folder of 28x28 PNG/JPEG/BMP"),
        new("count", "N", $"{DefaultCount} samples; all images (--images)", "samples to generate, or the first N images"),
        new("ema", null, "when the checkpoint has one", "evaluate G's weight average (trained with --ema)"),
        new("no-ema", null, "", "evaluate G itself even when the checkpoint has a weight average"),
        new("seed", "N", "0", "seed of the latent noise"),
        new("classifier", "FILE", MnistClassifier.EmbeddedFileName, "the MNIST classifier's weights (safetensors)"),
        new("json", "FILE", "", "also write every figure as JSON"),
        new("no-baselines", null, "", "skip the floor and ceiling columns"),
        .. DeviceOptions.Specs,
        new("help", null, "", "show this help"),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var o = ParsedOptions.Parse("eval", Specs, args);
        if (o.Has("help"))
        {
            stdout.WriteLine(ParsedOptions.Help("gpugan eval (--checkpoint PATH | --images PATH) [options]",
                "FID, KID, precision/recall, classifier score and class histogram on an MNIST classifier's features, against the embedded held-out digits.", Specs));
            return 0;
        }
        string? checkpoint = o.String("checkpoint"), images = o.String("images");
        if ((checkpoint == null) == (images == null)) throw new UsageException("eval: give --checkpoint PATH or --images PATH (one of them)");
        if (images != null && (o.Has("ema") || o.Has("no-ema"))) throw new UsageException("eval: --ema and --no-ema apply to --checkpoint");
        int? count = o.Int("count", PrecisionRecall.DefaultK + 1, 100_000);
        ulong seed = o.ULong("seed") ?? 0;
        bool? average = SampleCommand.GeneratorChoice(o);
        // --json is written last, after minutes of work: a path that cannot be written is refused first.
        if (o.String("json") is { } jsonPath && Data.OutputPath.FileProblem(jsonPath) is { } problem)
            throw new UsageException($"eval: --json {jsonPath} {problem}");
        // Open the subject before the device: a bad path is reported without waiting for a device.
        Checkpoint? ckpt = null;
        string? file = null;
        if (checkpoint != null)
        {
            (ckpt, file) = CheckpointStore.Open(checkpoint);
            var m = ckpt.State.Options.Model;
            if (!FeatureExtractor.Judges(m.Channels, m.ImageSize, m.ImageSize))
                throw new CheckpointException($"{file}: its model ({m.Name}) makes {m.Channels}x{m.ImageSize}x{m.ImageSize} images; the MNIST classifier judges {FeatureExtractor.JudgedImages}");
        }
        ImageDataset? given = images != null ? DatasetLoader.Load(images, 1, MnistClassifier.ImageSize, resize: false) : null;
        if (given != null && Math.Min(count ?? given.Count, given.Count) <= PrecisionRecall.DefaultK)
            throw new DataException(images!, $"{given.Count} images; evaluation needs more than {PrecisionRecall.DefaultK}");

        using var device = DeviceOptions.Create(o, profiling: false);
        DeviceOptions.WriteFallback(device, stdout);
        using var classifier = MnistClassifier.Load(device, o.String("classifier") ?? MnistClassifier.EmbeddedPath);
        // Real digits at the subject's size (resized as training resizes them), scored through the same downscale, so
        // the floor is real digits' score at any size (64x64 against 28x28 originals would add about 75 to FID).
        int side = ckpt?.State.Options.Model.ImageSize ?? MnistClassifier.ImageSize;
        var reference = DatasetLoader.LoadEmbedded(imageSize: side, heldOut: true);
        string subject;
        FeatureSet fake;
        QualityEvaluator? evaluator = null;
        FeatureExtractor extractor;
        if (ckpt != null)
        {
            var m = ckpt.State.Options.Model;
            using var g = CheckpointStore.LoadGenerator(device, ckpt, file!, average);
            bool usedAverage = average ?? CheckpointStore.HasAverage(ckpt);
            evaluator = new QualityEvaluator(classifier, reference, count ?? DefaultCount, m.LatentSize, 100, m.Classes);
            var rng = new NoiseGenerator(device, seed, NoiseStream);
            fake = evaluator.Describe(g, t => ckpt.State.Options.DrawLatent(rng, t));
            subject = $"{(usedAverage ? "G_ema" : "G")} of {file} (iteration {ckpt.State.Iteration})";
            extractor = evaluator.Extractor;
        }
        else
        {
            extractor = new FeatureExtractor(classifier, 100);
            fake = extractor.Describe(given!, count);
            subject = $"{Count.Of(fake.Count, "image")} of {given!.Source}";
        }
        try
        {
            var real = evaluator?.Reference ?? extractor.Describe(reference);
            var realStats = evaluator?.ReferenceStatistics ?? GaussianStatistics.Of(real);
            // A conditional G's report adds how often each asked class was drawn (the evaluator asked for every class in turn).
            var subjectReport = evaluator?.Evaluate(fake) ?? QualityReport.Compute(fake, real, realStats);
            var columns = new List<(string Name, QualityReport Report)> { ("subject", subjectReport) };
            if (!o.Has("no-baselines"))
            {
                var training = DatasetLoader.LoadEmbedded(imageSize: side);
                columns.Add(("floor: real", QualityReport.Compute(Baselines.RealDigits(extractor, training, fake.Count), real, realStats)));
                columns.Add(("ceiling: noise", QualityReport.Compute(Baselines.UniformNoise(extractor, fake.Count), real, realStats)));
            }
            stdout.WriteLine($"evaluating {subject}");
            stdout.WriteLine($"judge: MNIST classifier {o.String("classifier") ?? MnistClassifier.EmbeddedFileName}" +
                (classifier.RecordedAccuracy is double a ? string.Create(CultureInfo.InvariantCulture, $" ({a:P2} held-out accuracy)") : "") +
                $"; reference: {real.Count} held-out digits" + (side != MnistClassifier.ImageSize ? $" resized to {side}x{side} as the samples, both scored downscaled to 28x28" : "") + $"; device: {device}");
            stdout.Write(Table(columns));
            if (o.String("json") is { } json) WriteJson(json, subject, columns);
        }
        finally
        {
            if (evaluator != null) evaluator.Dispose(); else extractor.Dispose();
        }
        return 0;
    }

    static string Table(List<(string Name, QualityReport Report)> columns)
    {
        var inv = CultureInfo.InvariantCulture;
        var rows = new List<(string Label, Func<QualityReport, string> Value)>
        {
            ("samples (fake/real)", r => $"{r.FakeCount}/{r.RealCount}"),
            ("FID", r => r.Fid.ToString("F2", inv)),
            ("KID", r => string.Create(inv, $"{r.Kid.Mean:G4} ± {r.Kid.StandardDeviation:G2}")),
            ("precision (k=3)", r => r.PrecisionRecall.Precision.ToString("F4", inv)),
            ("recall (k=3)", r => r.PrecisionRecall.Recall.ToString("F4", inv)),
            ("classifier score", r => r.ClassifierScore?.ToString("F3", inv) ?? "-"),
            ("classes present", r => r.FakeClasses?.ClassesPresent.ToString(inv) ?? "-"),
            ("class entropy (nats)", r => r.FakeClasses?.EntropyNats.ToString("F3", inv) ?? "-"),
        };
        const int labelWidth = 22, width = 18;
        var sb = new StringBuilder();
        sb.Append(' ', labelWidth);
        foreach (var (name, _) in columns) sb.Append(name.PadLeft(width));
        sb.AppendLine();
        foreach (var (label, value) in rows)
        {
            sb.Append(label.PadRight(labelWidth));
            foreach (var (_, r) in columns) sb.Append(value(r).PadLeft(width));
            sb.AppendLine();
        }
        if (columns[0].Report.FakeClasses is { } h)
            sb.AppendLine($"subject's classes 0-9: {string.Join(" ", h.Counts)} (ln 10 = {Math.Log(10).ToString("F3", inv)} is an even spread)");
        if (columns[0].Report.ClassMatch is { } match)
            sb.AppendLine(string.Create(inv, $"classified as the asked class: {100 * match.Overall:F1}% overall; per asked class 0-{match.PerClass.Count - 1}: ") +
                string.Join(" ", match.PerClass.Select(p => string.Create(inv, $"{100 * p:F0}%"))) + $" ({Count.Of(match.AskedCounts[0], "sample")} each)");
        return sb.ToString();
    }

    static void WriteJson(string path, string subject, List<(string Name, QualityReport Report)> columns)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("subject", subject);
        foreach (var (name, r) in columns)
        {
            w.WriteStartObject(name.Split(':')[0]);
            r.WriteJsonProperties(w);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
