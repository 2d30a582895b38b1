namespace GpuGan.Options;

/// <summary>
/// Where a command's warnings go: one line each, "gpugan: warning: ...", on stderr. <see cref="To"/> redirects them for
/// the current call chain (Program.Run sends them to its stderr writer; tests capture them), without a global.
/// </summary>
public static class Warnings
{
    static readonly AsyncLocal<TextWriter?> Sink = new();

    /// <summary>Sends warnings to <paramref name="writer"/> until the returned scope is disposed.</summary>
    public static IDisposable To(TextWriter writer)
    {
        var previous = Sink.Value;
        Sink.Value = writer;
        return new Scope(() => Sink.Value = previous);
    }

    public static void Write(string message) => (Sink.Value ?? Console.Error).WriteLine($"gpugan: warning: {Text.OneLine.FirstOf(message)}");

    sealed class Scope(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
