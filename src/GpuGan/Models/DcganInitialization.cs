using GpuGan.Layers;
using GpuGan.Ops;
using GpuGan.Rng;

namespace GpuGan.Models;

/// <summary>
/// DCGAN initialisation: conv, conv-transpose and linear weights N(0, 0.02), BatchNorm weight N(1, 0.02),
/// biases 0. Drawn on the device from Philox, so a seed gives the same model on every accelerator.
/// BatchNorm layers are recognised by ".bn" in their name, biases by ".bias"; a parameter that asks for
/// <see cref="ParameterInit.UnitNormal"/> (G's label embedding) is drawn N(0, 1).
/// </summary>
public static class DcganInitialization
{
    public static void Apply(Layer network, NoiseGenerator rng)
    {
        foreach (var p in network.Parameters)
        {
            if (p.Init == ParameterInit.UnitNormal)
            {
                rng.Normal(p.Value, 0f, 1f);
                continue;
            }
            bool isBias = p.Name.EndsWith(".bias", StringComparison.Ordinal);
            bool isNorm = p.Name.Contains(".bn", StringComparison.Ordinal);
            if (isBias) ElementwiseOps.Fill(network.Device, p.Value.View, p.Value.Length, 0f);
            else rng.Normal(p.Value, isNorm ? 1f : 0f, 0.02f);
        }
    }
}
