using System.Text.RegularExpressions;
using Xunit;

namespace GpuGan.Tests;

/// <summary>
/// Issue 9, one place for each concept: only Ops (and the host SIMD variants that mirror kernels) name the kernel
/// project's parameter structs and enums; layers, losses, optimizers, noise, models, training, the check table
/// and the bench call Ops with the library's own types.
/// </summary>
public class KernelTypesStayInOpsTests
{
    static readonly string[] KernelTypes =
    [
        "BatchNormParams", "LossParams", "AdamParams", "SgdParams", "NoiseParams", "GemmParams",
        "ConvGeometry", "ChannelLayout", "PoolGeometry", "ConcatLayout", "AdaptivePoolGeometry", "ElementRange", "ActivationKind", "LossKind", "NoiseKind",
    ];

    static readonly Regex Mention = new($@"\b({string.Join("|", KernelTypes)})\b", RegexOptions.Compiled);

    // file (relative, '/'-separated) -> the kernel type names it mentions
    static Dictionary<string, string[]> Mentions()
    {
        string root = RepoRoot.Path;
        var found = new Dictionary<string, string[]>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (rel.Contains("/obj/") || rel.Contains("/bin/")) continue;
            var names = Mention.Matches(File.ReadAllText(file)).Select(m => m.Value).Distinct().ToArray();
            if (names.Length > 0) found[rel] = names;
        }
        return found;
    }

    static bool MayUseKernelTypes(string rel) => rel.StartsWith("src/GpuGan/Ops/") || rel.StartsWith("src/GpuGan/Host/");

    [Fact]
    public void OnlyOpsAndHostNameKernelParameterTypes()
    {
        var outside = Mentions().Where(kv => !MayUseKernelTypes(kv.Key)).Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}").ToList();
        Assert.True(outside.Count == 0, "kernel types named outside src/GpuGan/Ops and src/GpuGan/Host:\n" + string.Join("\n", outside));
    }

    [Fact]
    public void TheScanFindsThemInOps()
    {
        // Without this a broken scan (wrong root, wrong pattern) would pass the test above.
        var inOps = Mentions().Where(kv => kv.Key.StartsWith("src/GpuGan/Ops/")).SelectMany(kv => kv.Value).ToHashSet();
        Assert.Contains("ConvGeometry", inOps);
        Assert.Contains("GemmParams", inOps);
        Assert.Contains("ActivationKind", inOps);
        Assert.Contains("ElementRange", inOps);
    }
}
