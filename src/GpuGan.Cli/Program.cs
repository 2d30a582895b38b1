using System.Runtime.InteropServices;
using GpuGan.Data;
using GpuGan.Device;
using GpuGan.Options;
using GpuGan.Training;

namespace GpuGan.Cli;

public static class Program
{
    const string Usage = """
        usage: gpugan <command> [options]

        commands:
          train     train a GAN (default: the DCGAN on the embedded MNIST subset)
          sample    generate images from a checkpoint
          export    write a checkpoint's G and D as safetensors with PyTorch's names (models/gpugan_models.py)
          eval      sample quality (FID, KID, precision/recall, classifier score) of a checkpoint or of images
          classifier train   train the MNIST classifier that eval and --eval-every use
          models    list the models --model can pick, with parameter counts and input sizes
          profile   time training steps per kernel, per layer and per host span; write a Chrome trace
          devices   list the accelerators ILGPU finds and which one --device auto picks
          check     check every kernel on a device against float64 references and finite differences
          kernels   list the kernels; --ptx DIR writes each one's PTX for inspection or ptxas

        'gpugan <command> --help' lists a command's options and defaults.
        """;

    public static int Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        // Ctrl+C and SIGTERM finish the current iteration, write a checkpoint and exit (130).
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        return Run(args, Console.Out, Console.Error, stop.Token);
    }

    /// <summary>Runs one command; every failure becomes one line on stderr and a non-zero exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        using var warnings = Warnings.To(stderr);
        try
        {
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
            {
                stdout.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var rest = args.Skip(1).ToArray();
            return args[0] switch
            {
                "train" => TrainCommand.Run(rest, stdout, stop),
                "sample" => SampleCommand.Run(rest, stdout),
                "eval" => EvalCommand.Run(rest, stdout),
                "export" => ExportCommand.Run(rest, stdout),
                "classifier" => ClassifierCommand.Run(rest, stdout, stop),
                "models" => ModelsCommand.Run(rest, stdout),
                "devices" => DevicesCommand.Run(rest, stdout),
                "profile" => ProfileCommand.Run(rest, stdout, stop),
                "check" => CheckCommand.Run(rest, stdout, stop),
                "kernels" => KernelsCommand.Run(rest, stdout),
                _ => throw new UsageException($"unknown command '{args[0]}' (expected train, sample, export, eval, classifier, models, profile, devices, check or kernels)"),
            };
        }
        catch (UsageException e) { return Fail(stderr, e.Message, 2); }
        // The library names TrainOptions' properties; on the command line the same problem names the flags.
        catch (TrainOptionException e) { return Fail(stderr, e.Format(r => "--" + r.Flag), 2); }
        catch (ArgumentException e) { return Fail(stderr, e.Message, 2); }
        catch (TrainingDivergedException e) { return Fail(stderr, e.Message, 3); }
        catch (DataException e) { return Fail(stderr, e.Message, 1); }
        catch (CheckpointException e) { return Fail(stderr, e.Message, 1); }
        catch (DeviceException e) { return Fail(stderr, e.Message, 1); }
        catch (IOException e) { return Fail(stderr, e.Message, 1); }
        catch (UnauthorizedAccessException e) { return Fail(stderr, e.Message, 1); }
        catch (Exception e) when (Environment.GetEnvironmentVariable("GPUGAN_DEBUG") != "1")
        {
            return Fail(stderr, $"internal error ({e.GetType().Name}): {ComputeDeviceMessage(e)} (set GPUGAN_DEBUG=1 for the stack trace)", 1);
        }
    }

    static string ComputeDeviceMessage(Exception e) => GpuGan.Text.OneLine.FirstOf(e.Message);

    static int Fail(TextWriter stderr, string message, int code)
    {
        stderr.WriteLine($"gpugan: error: {GpuGan.Text.OneLine.FirstOf(message)}");
        return code;
    }
}
