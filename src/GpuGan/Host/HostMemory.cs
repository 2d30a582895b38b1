using ILGPU;
using ILGPU.Runtime;

namespace GpuGan.Host;

/// <summary>
/// Raw pointers into the CPU accelerator's buffers: ILGPU's CPU memory buffers are plain host memory, so
/// host code may read and write them directly once the accelerator stream has been synchronized.
/// </summary>
public static unsafe class HostMemory
{
    /// <summary>The address of element 0 of <paramref name="view"/>; throws for a view that is not CPU memory.</summary>
    public static float* Pointer(ArrayView<float> view) => (float*)Base(view) + Index(view);

    /// <summary>As <see cref="Pointer(ArrayView{float})"/> for int views (max-pooling argmax).</summary>
    public static int* Pointer(ArrayView<int> view) => (int*)Base(view) + Index(view);

    // ArrayView<T>.Buffer and .Index are explicit interface members: reach them through a constrained call (no boxing).
    static void* Base<TView>(TView view) where TView : IContiguousArrayView
    {
        var buffer = view.Buffer ?? throw new ArgumentException("host kernel: the view has no buffer");
        if (buffer.AcceleratorType != AcceleratorType.CPU)
            throw new ArgumentException($"host kernels need CPU accelerator memory, not {buffer.AcceleratorType}");
        return (void*)buffer.NativePtr;
    }

    static long Index<TView>(TView view) where TView : IContiguousArrayView => view.Index;
}
