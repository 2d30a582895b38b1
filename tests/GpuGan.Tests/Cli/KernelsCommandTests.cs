using GpuGan.Cli;
using GpuGan.GpuCode;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Cli;

/// <summary>gpugan kernels: the list, and --ptx DIR writing one assemblable PTX file per kernel.</summary>
public sealed class KernelsCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Run(args);

    [Fact]
    public void Lists_every_kernel()
    {
        var (code, output, _) = Run("kernels");
        Assert.Equal(0, code);
        foreach (var name in KernelCatalog.All.Keys) Assert.Contains(name, output);
        Assert.Contains($"{KernelCatalog.All.Count} kernels", output);
    }

    [Fact]
    public void Writes_one_PTX_file_per_kernel_for_the_asked_architecture()
    {
        var dir = Path.Combine(Path.GetTempPath(), "gpugan-ptx-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, err) = Run("kernels", "--ptx", dir, "--arch", "sm_90");
            Assert.True(code == 0, err);
            var files = Directory.GetFiles(dir, "*.ptx").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(KernelCatalog.All.Keys.Select(k => GpuCodeGenerator.FileName(k) + ".ptx").Order(StringComparer.Ordinal), files);
            Assert.Contains($"{files.Length} PTX files for sm_90, PTX ISA 7.8", output);
            foreach (var f in Directory.GetFiles(dir, "*.ptx"))
            {
                var text = File.ReadAllText(f);
                Assert.Contains(".version 7.8", text);
                Assert.Contains(".entry", text);
                if (Ptxas.Path == null) continue;
                var r = Ptxas.AssembleFile(f, "sm_90");
                Assert.True(r.Assembled, $"{f}: {r.Log}");
            }
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--ptx", "x", "--arch", "sm_9x")]
    [InlineData("--ptx", "x", "--isa", "9.9")]
    [InlineData("--arch", "sm_90")]
    [InlineData("--filter", "NoSuchKernel")]
    [InlineData("--bogus")]
    public void Bad_options_are_one_line_usage_errors(params string[] args)
    {
        var (code, _, err) = Run(["kernels", .. args]);
        Assert.Equal(2, code);
        Assert.StartsWith("gpugan: error: kernels", err.Trim());
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void A_ptx_folder_that_cannot_be_made_is_one_line()
    {
        string file = Path.Combine(Training.TinyRun.TempDir(), "x");
        File.WriteAllText(file, "");
        var (code, output, err) = Run("kernels", "--ptx", file);
        Assert.Equal(2, code);
        Assert.Equal($"gpugan: error: kernels: --ptx {file} is a file; give a folder", err.TrimEnd());
        Assert.Equal("", output);
        (code, _, err) = Run("kernels", "--ptx", Path.Combine(file, "sub"));
        Assert.Equal(2, code);
        Assert.Equal($"gpugan: error: kernels: --ptx {Path.Combine(file, "sub")} cannot be created: {file} is a file, not a folder", err.TrimEnd());
    }
}
