using System.Globalization;

namespace GpuGan.Text;

/// <summary>"1 class", "2 classes": a count with its noun in the right number, for every message that prints one.</summary>
public static class Count
{
    /// <param name="plural">the plural when it is not <paramref name="singular"/> + "s" ("classes", "indices")</param>
    /// <param name="format">the number's format ("N0" for thousands separators), always in the invariant culture</param>
    public static string Of(long n, string singular, string? plural = null, string? format = null) =>
        $"{n.ToString(format, CultureInfo.InvariantCulture)} {(n == 1 ? singular : plural ?? singular + "s")}";
}
