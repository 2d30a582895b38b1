namespace GpuGan.Kernels;

/// <summary>
/// How an elementwise kernel's Length elements are split over its threads: thread t handles the contiguous
/// run [t*Chunk, (t+1)*Chunk). GPUs launch one thread per element (Chunk = 1); ILGPU's CPU accelerator pays
/// microseconds per simulated thread, so there it launches one thread per worker with a long run each.
/// </summary>
public struct ElementRange
{
    public int Length;
    public int Chunk;

    public readonly int Start(int thread) => thread * Chunk;
    public readonly int End(int thread)
    {
        long end = (long)(thread + 1) * Chunk;
        return end < Length ? (int)end : Length;
    }

    public readonly int Threads => (Length + Chunk - 1) / Chunk;

    public static ElementRange For(int length, int threads)
    {
        int t = threads < 1 ? 1 : threads;
        int chunk = (length + t - 1) / t;
        return new ElementRange { Length = length, Chunk = chunk < 1 ? 1 : chunk };
    }
}
