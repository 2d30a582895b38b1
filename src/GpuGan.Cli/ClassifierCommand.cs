using System.Globalization;
using GpuGan.Data;
using GpuGan.Metrics;
using GpuGan.Options;
using GpuGan.Text;

namespace GpuGan.Cli;

/// <summary>
/// gpugan classifier train | accuracy: the MNIST classifier that judges sample quality, trained by GpuGan's own
/// layers and kernels. The weights in data/ came from 'gpugan classifier train --out data/mnist-classifier.safetensors'.
/// </summary>
public static class ClassifierCommand
{
    static readonly ClassifierTrainOptions D = new();

    public static readonly OptionSpec[] TrainSpecs =
    [
        new("data", "PATH", "the embedded 9,000 training digits", "labelled 28x28 digits: IDX file or folder, or an image folder (class = sub-folder)"),
        new("held-out", "PATH", "the embedded 1,000 held-out digits", "labelled digits to measure accuracy on"),
        new("out", "FILE", "mnist-classifier.safetensors", "where to write the weights (safetensors)"),
        new("epochs", "N", D.Epochs.ToString(CultureInfo.InvariantCulture), "passes over the training digits"),
        new("batch-size", "N", D.BatchSize.ToString(CultureInfo.InvariantCulture), "digits per step"),
        new("lr", "X", "1e-3", "Adam's peak learning rate (cosine decay to 0)"),
        new("seed", "N", D.Seed.ToString(CultureInfo.InvariantCulture), "initialisation, shuffling and shifts"),
        new("shift", "N", D.Shift.ToString(CultureInfo.InvariantCulture), "augmentation: each digit moved by up to N pixels in x and y (0: off)"),
        .. DeviceOptions.Specs,
        new("help", null, "", "show this help"),
    ];

    public static readonly OptionSpec[] AccuracySpecs =
    [
        new("weights", "FILE", MnistClassifier.EmbeddedFileName, "classifier weights (safetensors)"),
        new("held-out", "PATH", "the embedded 1,000 held-out digits", "labelled digits to measure accuracy on"),
        .. DeviceOptions.Specs,
        new("help", null, "", "show this help"),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, CancellationToken stop)
    {
        string sub = args.Count > 0 ? args[0] : throw new UsageException("classifier: expected 'train' or 'accuracy'");
        var rest = args.Skip(1).ToList();
        return sub switch
        {
            "train" => Train(rest, stdout, stop),
            "accuracy" => Accuracy(rest, stdout),
            "--help" or "-h" => Help(stdout),
            _ => throw new UsageException($"classifier: unknown subcommand '{sub}' (expected train or accuracy)"),
        };
    }

    static int Help(TextWriter stdout)
    {
        stdout.WriteLine(ParsedOptions.Help("gpugan classifier train [options]", "Trains the MNIST classifier that eval and --eval-every judge with.", TrainSpecs));
        stdout.WriteLine();
        stdout.WriteLine(ParsedOptions.Help("gpugan classifier accuracy [options]", "Held-out accuracy of classifier weights.", AccuracySpecs));
        return 0;
    }

    static int Train(IReadOnlyList<string> args, TextWriter stdout, CancellationToken stop)
    {
        var o = ParsedOptions.Parse("classifier train", TrainSpecs, args);
        if (o.Has("help")) return Help(stdout);
        var options = new ClassifierTrainOptions
        {
            Epochs = o.Int("epochs", 1, 10_000) ?? D.Epochs,
            BatchSize = o.Int("batch-size", 1, 65_536) ?? D.BatchSize,
            Lr = o.Float("lr", 0f, 10f, exclusiveMin: true) ?? D.Lr,
            Seed = o.ULong("seed") ?? D.Seed,
            Shift = o.Int("shift", 0, 8) ?? D.Shift,
        };
        string outPath = o.String("out") ?? "mnist-classifier.safetensors";
        // The weights are written after minutes of training: a path that cannot be written is refused first.
        if (OutputPath.FileProblem(outPath) is { } problem) throw new UsageException($"classifier train: --out {outPath} {problem}");
        var train = DatasetLoader.Load(o.String("data"), 1, MnistClassifier.ImageSize, resize: false);
        var heldOut = HeldOut(o);
        using var device = DeviceOptions.Create(o, profiling: false);
        DeviceOptions.WriteFallback(device, stdout);
        stdout.WriteLine($"device: {device}  training: {train}  held-out: {heldOut}");
        using var classifier = ClassifierTraining.Train(device, train, heldOut, options, e => stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {e.Epoch}/{options.Epochs}  loss {e.MeanLoss:F4}  train accuracy {e.TrainAccuracy:P2}  held-out accuracy {e.HeldOutAccuracy:P2}  [{e.Elapsed:mm\\:ss}]")), stop);
        using var extractor = new FeatureExtractor(classifier, 100);
        double accuracy = ClassifierTraining.Accuracy(extractor, heldOut);
        var inv = CultureInfo.InvariantCulture;
        classifier.Save(outPath, new Dictionary<string, string>
        {
            ["model"] = "gpugan-mnist-classifier",
            ["held_out_accuracy"] = accuracy.ToString("R", inv),
            ["held_out_count"] = heldOut.Count.ToString(inv),
            ["held_out"] = o.String("held-out") ?? "embedded t10k subset",
            ["training_data"] = o.String("data") ?? "embedded train subset",
            ["command"] = "gpugan classifier train " + string.Join(' ', args),
            ["epochs"] = options.Epochs.ToString(inv), ["batch_size"] = options.BatchSize.ToString(inv),
            ["lr"] = options.Lr.ToString("R", inv), ["seed"] = options.Seed.ToString(inv), ["shift"] = options.Shift.ToString(inv),
        });
        stdout.WriteLine(string.Create(inv, $"held-out accuracy {accuracy:P2} ({Count.Of(heldOut.Count, "digit")}); wrote {outPath}"));
        return 0;
    }

    static int Accuracy(IReadOnlyList<string> args, TextWriter stdout)
    {
        var o = ParsedOptions.Parse("classifier accuracy", AccuracySpecs, args);
        if (o.Has("help")) return Help(stdout);
        var heldOut = HeldOut(o);
        using var device = DeviceOptions.Create(o, profiling: false);
        DeviceOptions.WriteFallback(device, stdout);
        using var classifier = MnistClassifier.Load(device, o.String("weights") ?? MnistClassifier.EmbeddedPath);
        using var extractor = new FeatureExtractor(classifier, 100);
        double accuracy = ClassifierTraining.Accuracy(extractor, heldOut);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held-out accuracy {accuracy:P2} ({Count.Of(heldOut.Count, "digit")} of {heldOut.Source})"));
        return 0;
    }

    static ImageDataset HeldOut(ParsedOptions o) =>
        o.String("held-out") is { } path ? DatasetLoader.Load(path, 1, MnistClassifier.ImageSize, resize: false) : DatasetLoader.LoadEmbedded(heldOut: true);
}
