namespace GpuGan.Fuzz;

/// <summary>The bytes a path-based writer produces (GpuGan's writers take paths, the fuzzer wants bytes).</summary>
static class SeedFile
{
    public static byte[] Bytes(Action<string> write, string name = "seed")
    {
        string dir = Path.Combine(Path.GetTempPath(), $"gpugan-seed-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, name);
            write(path);
            return File.ReadAllBytes(path);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
