namespace GpuGan.Fuzz;

/// <summary>
/// One reader under fuzzing: how the fuzzer's bytes become the file the reader opens, which exceptions are the
/// reader's one-line errors, how much it may allocate, and the valid files the fuzzer starts from.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The target's name on the command line and its corpus folder's name.</summary>
    public abstract string Name { get; }

    /// <summary>The reader and the file format, for listings and the closing message.</summary>
    public abstract string Description { get; }

    /// <summary>Where the input is written, relative to a fresh scratch folder (the reader may look at the name).</summary>
    public virtual string FileName => "input";

    /// <summary>The exception types that are the reader's one-line errors; anything else is a finding.</summary>
    public abstract IReadOnlyList<Type> Errors { get; }

    /// <summary>Bytes the read may allocate for an input of this many bytes; more is a finding.</summary>
    public abstract long AllocationBound(long inputBytes);

    /// <summary>The file's bytes from the fuzzer's (e.g. a checksum fixed so that the parser behind it is reached).</summary>
    public virtual byte[] Prepare(byte[] input) => input;

    /// <summary>Reads the file; a short description of the valid result.</summary>
    public abstract string Read(string path);

    /// <summary>Valid inputs made by GpuGan's own writers (and a few hostile ones), name and bytes.</summary>
    public abstract IEnumerable<(string Name, byte[] Bytes)> Seeds();

    public const long MiB = 1 << 20;
}
