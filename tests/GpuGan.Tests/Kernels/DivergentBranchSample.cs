using GpuGan.Kernels;
using ILGPU;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// The same elementwise loop two ways, to show what ILGPU 1.5.3 (O2) makes of the Index1D parameter: read
/// directly, its uniformity analysis takes it for warp-uniform and the loop's thread-dependent exits become
/// <c>@%p bra.uni</c>; read through ThreadIndex.Global (as every production kernel does) they are plain
/// <c>bra</c>. Test-only: BraUniTests compiles both.
/// </summary>
public static class DivergentBranchSample
{
    public static void IndexParameter(Index1D thread, ArrayView<float> x, ElementRange range)
    {
        int end = range.End(thread);
        for (int i = range.Start(thread); i < end; i++) x[i] = x[i] > 0f ? x[i] : 0f;
    }

    public static void GlobalIndex(Index1D thread, ArrayView<float> x, ElementRange range)
    {
        int t = ThreadIndex.Global;
        int end = range.End(t);
        for (int i = range.Start(t); i < end; i++) x[i] = x[i] > 0f ? x[i] : 0f;
    }
}
