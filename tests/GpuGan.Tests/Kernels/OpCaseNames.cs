using GpuGan.Check;

namespace GpuGan.Tests.Kernels;

/// <summary>The table's case names as xunit MemberData: one test per case, named by it.</summary>
public static class OpCaseNames
{
    public static IEnumerable<object[]> All => OpCases.All.Select(c => new object[] { c.Name });
    public static IEnumerable<object[]> Gpu => OpCases.All.Where(c => c.Gpu).Select(c => new object[] { c.Name });

    /// <summary>Every fourth GEMM-, reduction-, gather- or optimizer-backed case and DCGAN's shapes: run twice, compared bit for bit.</summary>
    /// <remarks>Embedding, ConcatChannels and RowDot come last in the table, so adding them moved no earlier pick.</remarks>
    public static IEnumerable<object[]> Determinism => OpCases.All
        .Where(c => c.Op is OpKind.Conv2d or OpKind.ConvTranspose2d or OpKind.Linear or OpKind.BatchNorm or OpKind.Loss or OpKind.Adam
            or OpKind.MaxPool2d or OpKind.CrossEntropy or OpKind.Embedding or OpKind.ConcatChannels or OpKind.RowDot or OpKind.AdaptiveAvgPool2d)
        .Where((c, i) => i % 4 == 0 || c.Name.StartsWith("dcgan"))
        .Select(c => new object[] { c.Name });
}
