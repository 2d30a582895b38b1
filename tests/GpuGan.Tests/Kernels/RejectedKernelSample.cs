using ILGPU;

namespace GpuGan.Tests.Kernels;

/// <summary>
/// Kernels that the CPU accelerator runs but a GPU backend rejects. They live in the test project so that
/// production stays clean; BackendCompileRejectionTests proves with them that the compile helper can fail.
/// (Most unsupported constructs, e.g. a managed new float[n], string operations, Console.WriteLine, throw,
/// System.Numerics.Vector4/Vector&lt;T&gt;, are rejected by ILGPU's front end for the CPU accelerator too, so
/// they would already fail the CPU tests; these two only fail on a GPU backend.)
/// </summary>
public static class RejectedKernelSample
{
    /// <summary>
    /// uint -> float. C# emits conv.r.un, which ILGPU lowers through double: fine on the CPU and in PTX
    /// (cvt.rn.f64.u32), but an OpenCL device without fp64 rejects the kernel. NoiseFill did this through
    /// Philox.ToUnit until the backend compile tests caught it.
    /// </summary>
    public static void UnsignedToFloat(Index1D i, ArrayView<float> x, ArrayView<uint> bits)
    {
        x[i] = bits[i] * (1f / 4294967296f);
    }

    /// <summary>
    /// A warp shuffle: the CPU accelerator emulates warps and PTX has shfl.sync, but OpenCL needs the
    /// sub-group extensions, which the tested (mainstream AMD/Intel) capability set does not claim.
    /// </summary>
    public static void WarpShuffle(Index1D i, ArrayView<float> x)
    {
        x[i] = Warp.Shuffle(x[i], 0);
    }
}
