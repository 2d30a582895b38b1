using ILGPU;

namespace GpuGan.Kernels;

/// <summary>
/// Tree sum over one thread group through shared memory. The pairing is fixed, so the result is the same
/// on every launch (no atomics). Group size must be a power of two; every thread of the group must call.
/// </summary>
public static class GroupReduce
{
    public const int GroupSize = 256;

    public static float Sum(float value, ArrayView<float> scratch)
    {
        int t = Group.IdxX;
        scratch[t] = value;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            if (t < s) scratch[t] += scratch[t + s];
            Group.Barrier();
        }
        float result = scratch[0];
        Group.Barrier();
        return result;
    }
}
