using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// The calling thread's position in the launch, for implicitly grouped kernels. Read it here, never from the
/// kernel's Index1D parameter: ILGPU 1.5.3's uniformity analysis (O2) takes kernel parameters, the index among
/// them, to be the same in every thread of a warp, so branches on the index were emitted as <c>bra.uni</c>,
/// which PTX leaves undefined when the threads of a warp disagree. Grid.GlobalIndex is built from %tid, which
/// the analysis knows to differ per thread. The Index1D parameter still sets the launch size and ILGPU's
/// bounds check. Guarded by BraUniTests over the generated PTX.
/// </summary>
public static class ThreadIndex
{
    public static int Global => Grid.GlobalIndex.X;
}
