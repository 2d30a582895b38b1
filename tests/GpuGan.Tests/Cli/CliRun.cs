using GpuGan.Cli;

namespace GpuGan.Tests.Cli;

/// <summary>Runs one gpugan command in-process and returns its exit code, stdout and stderr.</summary>
internal static class CliRun
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e, CancellationToken.None);
        return (code, o.ToString(), e.ToString());
    }
}
