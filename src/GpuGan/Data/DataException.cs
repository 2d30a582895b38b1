namespace GpuGan.Data;

/// <summary>
/// A problem with the user's data (missing file, bad format, wrong size).
/// The message is one line naming the file and the problem, meant to be
/// shown to the user as is, without a stack trace.
/// </summary>
public sealed class DataException : Exception
{
    public DataException(string source, string problem, Exception? inner = null)
        : base($"{source}: {problem}", inner)
    {
        DataPath = source;
        Problem = problem;
    }

    /// <summary>The file, folder or dataset the problem is about.</summary>
    public string DataPath { get; }

    /// <summary>The problem, without the file name.</summary>
    public string Problem { get; }
}
