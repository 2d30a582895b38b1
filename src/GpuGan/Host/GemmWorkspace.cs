using System.Runtime.InteropServices;

namespace GpuGan.Host;

/// <summary>
/// One worker's scratch for the host GEMM: packed A and B panels, the accumulator tile and the address
/// tables of one tile. Sized by the plan's block limits, so it is allocated once (64-byte aligned, native).
/// </summary>
public sealed unsafe class GemmWorkspace : IDisposable
{
    public readonly float* PackA, PackB, Tile;
    public readonly long* ARow, AK, BCol, BK, CRow, CCol;
    /// <summary>Runs of consecutive C columns in the current tile: start and length pairs.</summary>
    public readonly int* Runs;
    readonly void* block;

    public GemmWorkspace()
    {
        const int mc = GemmPlan.McLimit, nc = GemmPlan.NcMax, kc = GemmPlan.Kc;
        nuint floats = (nuint)(mc * kc + kc * nc + mc * nc);
        nuint longs = (nuint)(mc + kc + nc + kc + mc + nc + nc);
        block = NativeMemory.AlignedAlloc(floats * sizeof(float) + longs * sizeof(long), 64);
        PackA = (float*)block;
        PackB = PackA + mc * kc;
        Tile = PackB + kc * nc;
        ARow = (long*)(Tile + mc * nc);
        AK = ARow + mc;
        BCol = AK + kc;
        BK = BCol + nc;
        CRow = BK + kc;
        CCol = CRow + mc;
        Runs = (int*)(CCol + nc);
    }

    bool disposed;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        NativeMemory.AlignedFree(block);
    }
}
