namespace GpuGan.Fuzz;

/// <summary>What the readers promise for any input: a valid result or one of their one-line errors, within the
/// target's allocation bound. (The third promise, no hang, is afl-fuzz's timeout.)</summary>
public static class FuzzInvariant
{
    public sealed record Outcome(bool Accepted, string Message, long AllocatedBytes);

    /// <summary>Runs the target on one input in <paramref name="scratch"/> (emptied first); throws
    /// <see cref="FuzzFindingException"/> when the promise is broken, and lets an unexpected exception escape.</summary>
    public static Outcome Check(FuzzTarget target, byte[] input, string scratch)
    {
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        string path = Path.Combine(scratch, target.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] bytes = target.Prepare(input);
        File.WriteAllBytes(path, bytes);

        // Process-wide and precise: readers decode on worker threads (image folders, ImageSharp's row loops).
        long before = GC.GetTotalAllocatedBytes(precise: true);
        bool accepted;
        string message;
        try
        {
            message = target.Read(path);
            accepted = true;
        }
        catch (Exception e) when (target.Errors.Contains(e.GetType()))
        {
            if (!GpuGan.Text.OneLine.Is(e.Message))
                throw new FuzzFindingException($"{target.Name}: the {e.GetType().Name} is not one printable line: {GpuGan.Text.OneLine.Of(e.Message)}", e);
            message = e.Message;
            accepted = false;
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        long bound = target.AllocationBound(bytes.Length);
        if (allocated > bound)
            throw new FuzzFindingException($"{target.Name}: allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte input, over the bound of {bound:N0} ({message})");
        return new Outcome(accepted, message, allocated);
    }
}

/// <summary>A reader broke its promise (a message that is not one printable line, an allocation over the bound).</summary>
public sealed class FuzzFindingException(string message, Exception? inner = null) : Exception(message, inner);
