namespace GpuGan.Tests;

/// <summary>The checkout the tests run from: the first folder above the test binaries that holds GpuGan.sln (tests
/// that read the sources, models/, tests/fuzz/).</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "GpuGan.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GpuGan.sln above {AppContext.BaseDirectory}");
    }
}
