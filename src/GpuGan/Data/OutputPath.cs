namespace GpuGan.Data;

/// <summary>
/// Whether a command can write where its output option points, checked before any heavy work (a device, the data, a
/// checkpoint, training) so that a bad path costs a one-line error at once, not one after the work, in .NET's words.
/// Each check returns a phrase that follows the path ("is a file; give a folder"), or null when the path will do.
/// </summary>
public static class OutputPath
{
    /// <summary>A folder the command writes into, created if missing.</summary>
    public static string? FolderProblem(string dir)
    {
        string full = Path.GetFullPath(dir);
        if (File.Exists(full)) return "is a file; give a folder";
        return CreatableProblem(full);
    }

    /// <summary>A file the command writes (its folder created if missing).</summary>
    public static string? FileProblem(string file)
    {
        string full = Path.GetFullPath(file);
        if (Directory.Exists(full)) return "is a folder; give a file name";
        return CreatableProblem(Path.GetDirectoryName(full) ?? full);
    }

    /// <summary>
    /// The folder exists or can be created (no file stands where a folder above it must be), and the nearest existing
    /// folder takes a new file: a probe file is created there and deleted, so permissions and read-only mounts show.
    /// </summary>
    static string? CreatableProblem(string full)
    {
        string existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) return $"cannot be created: {existing} is a file, not a folder";
            existing = Path.GetDirectoryName(existing) ?? throw new InvalidOperationException($"{full}: no folder above it exists");
        }
        // A ".NAME.tmp" like AtomicFile's: the run folder's clean-up removes one a killed process left.
        string probe = Path.Combine(existing, $".gpugan-write-test.{Environment.ProcessId}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (UnauthorizedAccessException) { return $"cannot be written: no write permission in {existing}"; }
        catch (IOException) { return $"cannot be written: {existing} takes no new files (a read-only or special file system?)"; }
        return null;
    }
}
