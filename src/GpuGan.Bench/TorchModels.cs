using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static GpuGan.Bench.DcganShapes;

namespace GpuGan.Bench;

/// <summary>
/// GpuGan's default DCGAN (src/GpuGan/Models/Dcgan28.cs; see <see cref="DcganShapes"/>) as TorchSharp
/// modules, with DCGAN init. Every conv, conv-transpose and linear layer has a bias, as in GpuGan.
/// </summary>
public static class TorchModels
{
    public static Sequential Generator() => Init(nn.Sequential(
        ("fc", nn.Linear(Nz, GLinearOut)),
        ("bn0", nn.BatchNorm1d(GLinearOut)),
        ("relu0", nn.ReLU()),
        ("view", nn.Unflatten(1, [G0, Base, Base])),
        ("deconv1", nn.ConvTranspose2d(G0, G1, Kernel, Stride, Pad, bias: true)),
        ("bn1", nn.BatchNorm2d(G1)),
        ("relu1", nn.ReLU()),
        ("deconv2", nn.ConvTranspose2d(G1, ImageChannels, Kernel, Stride, Pad, bias: true)),
        ("tanh", nn.Tanh())));

    public static Sequential Discriminator() => Init(nn.Sequential(
        ("conv0", nn.Conv2d(ImageChannels, D0, Kernel, Stride, Pad, bias: true)),
        ("lrelu0", nn.LeakyReLU(LeakySlope)),
        ("conv1", nn.Conv2d(D0, D1, Kernel, Stride, Pad, bias: true)),
        ("bn1", nn.BatchNorm2d(D1)),
        ("lrelu1", nn.LeakyReLU(LeakySlope)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(FlatFeatures, 1))));

    /// <summary>DCGAN weights_init: conv/linear weights N(0, 0.02), BN weight N(1, 0.02), biases 0.</summary>
    static Sequential Init(Sequential model)
    {
        using var _ = no_grad();
        foreach (var (_, m) in model.named_modules())
        {
            switch (m)
            {
                case Conv2d c: nn.init.normal_(c.weight, 0, 0.02); if (c.bias is not null) nn.init.zeros_(c.bias); break;
                case ConvTranspose2d c: nn.init.normal_(c.weight, 0, 0.02); if (c.bias is not null) nn.init.zeros_(c.bias); break;
                case Linear l: nn.init.normal_(l.weight, 0, 0.02); if (l.bias is not null) nn.init.zeros_(l.bias); break;
                case BatchNorm1d b: nn.init.normal_(b.weight, 1, 0.02); nn.init.zeros_(b.bias); break;
                case BatchNorm2d b: nn.init.normal_(b.weight, 1, 0.02); nn.init.zeros_(b.bias); break;
            }
        }
        return model;
    }

    public static long ParameterCount(nn.Module model) => model.parameters().Sum(p => p.numel());
}
