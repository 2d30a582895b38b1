using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;

namespace GpuGan.Optim;

/// <summary>What every optimizer does the same way.</summary>
static class Optimizers
{
    /// <summary>zero_grad: one fill over the arena when the parameters are one, else a fill per parameter.</summary>
    public static void ZeroGrad(ComputeDevice device, IReadOnlyList<Parameter> parameters, ParameterArena? arena)
    {
        if (arena != null)
        {
            ElementwiseOps.Fill(device, arena.Grads.View, arena.Length, 0f);
            return;
        }
        foreach (var w in parameters) ElementwiseOps.Fill(device, w.Grad.View, w.Grad.Length, 0f);
    }
}
