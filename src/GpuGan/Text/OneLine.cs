using System.Text;

namespace GpuGan.Text;

/// <summary>
/// Text from outside (an exception's message, a name read from a file) made fit for a one-line error: line breaks
/// become spaces and other control or separator characters '?', so neither a file nor a library can split a message
/// or send escape sequences to the terminal.
/// </summary>
public static class OneLine
{
    /// <summary>How much of a parser's message an error keeps: parsers quote the offending input, which a hostile file
    /// can make as long as it likes.</summary>
    public const int ParserMessageMax = 300;

    /// <summary>The whole text on one line, cut at <paramref name="max"/> characters ("..." marks a cut).</summary>
    public static string Of(string text, int max = int.MaxValue)
    {
        var b = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                space = b.Length > 0;
                continue;
            }
            if (space) { b.Append(' '); space = false; }
            b.Append(char.IsControl(c) ? '?' : c);
        }
        string line = b.ToString().Trim();
        return line.Length > max ? line[..max] + "..." : line;
    }

    /// <summary>Only the first line (for messages whose later lines are a dump: compiler output, stack traces).</summary>
    public static string FirstOf(string text)
    {
        int end = text.AsSpan().IndexOfAny("\r\n\u0085\u2028\u2029");
        return Of(end < 0 ? text : text[..end]);
    }

    /// <summary>A name read from a file: one line, at most <paramref name="max"/> characters ("..." marks a cut).</summary>
    public static string Quote(string name, int max = 80)
    {
        var b = new StringBuilder();
        foreach (char c in name.Length > max ? name[..max] : name) b.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c);
        return name.Length > max ? b + "..." : b.ToString();
    }

    /// <summary>Whether a message is one printable line (what every error GpuGan prints must be).</summary>
    public static bool Is(string message) =>
        !string.IsNullOrWhiteSpace(message) && !message.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');
}
