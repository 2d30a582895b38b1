using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;
using GpuGan.Rng;

namespace GpuGan.Models;

/// <summary>Builds the DCGAN generator and discriminator and gives them DCGAN's initialisation.</summary>
public static class Dcgan
{
    /// <summary>
    /// 28x28 (s = size/4, w = width): G: z → Linear(z, 2w·s·s) → BN1d → ReLU → view (2w, s, s) →
    /// ConvT(2w→w, 4, 2, 1) → BN → ReLU → ConvT(w→C, 4, 2, 1) → tanh.
    /// 64x64: pytorch/examples' netG (ConvT stack from z as (nz, 1, 1), no biases).
    /// </summary>
    public static Sequential Generator(ComputeDevice dev, ModelConfig c)
    {
        c.Validate();
        int w = c.GeneratorWidth;
        var k4s2p1 = ConvOptions.Square(4, 2, 1);
        if (c.Architecture == Architecture.Dcgan28)
        {
            int s = c.ImageSize / 4;
            return new Sequential(dev, "G",
                new Linear(dev, "G.fc", c.LatentSize, 2 * w * s * s),
                new BatchNorm(dev, "G.bn0", 2 * w * s * s),
                new Activation(dev, "G.relu0", ActivationFunction.Relu),
                new Reshape(dev, "G.view", [2 * w, s, s]),
                new ConvTranspose2d(dev, "G.deconv1", 2 * w, w, k4s2p1),
                new BatchNorm(dev, "G.bn1", w),
                new Activation(dev, "G.relu1", ActivationFunction.Relu),
                new ConvTranspose2d(dev, "G.deconv2", w, c.Channels, k4s2p1),
                new Activation(dev, "G.tanh", ActivationFunction.Tanh));
        }
        return new Sequential(dev, "G",
            new Reshape(dev, "G.view", [c.LatentSize, 1, 1]),
            new ConvTranspose2d(dev, "G.deconv1", c.LatentSize, 8 * w, ConvOptions.Square(4, 1, 0), bias: false),
            new BatchNorm(dev, "G.bn1", 8 * w), new Activation(dev, "G.relu1", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv2", 8 * w, 4 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "G.bn2", 4 * w), new Activation(dev, "G.relu2", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv3", 4 * w, 2 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "G.bn3", 2 * w), new Activation(dev, "G.relu3", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv4", 2 * w, w, k4s2p1, bias: false),
            new BatchNorm(dev, "G.bn4", w), new Activation(dev, "G.relu4", ActivationFunction.Relu),
            new ConvTranspose2d(dev, "G.deconv5", w, c.Channels, k4s2p1, bias: false),
            new Activation(dev, "G.tanh", ActivationFunction.Tanh));
    }

    /// <summary>
    /// 28x28: D: Conv(C→w, 4, 2, 1) → LeakyReLU(0.2) → Conv(w→2w, 4, 2, 1) → BN → LeakyReLU(0.2) → flatten →
    /// Linear(2w·s·s → 1): one logit per image. 64x64: pytorch/examples' netD without the final sigmoid.
    /// </summary>
    public static Sequential Discriminator(ComputeDevice dev, ModelConfig c)
    {
        c.Validate();
        int w = c.DiscriminatorWidth;
        var k4s2p1 = ConvOptions.Square(4, 2, 1);
        if (c.Architecture == Architecture.Dcgan28)
        {
            int s = c.ImageSize / 4;
            return new Sequential(dev, "D",
                new Conv2d(dev, "D.conv1", c.Channels, w, k4s2p1),
                new Activation(dev, "D.lrelu1", ActivationFunction.LeakyRelu, 0.2f),
                new Conv2d(dev, "D.conv2", w, 2 * w, k4s2p1),
                new BatchNorm(dev, "D.bn2", 2 * w),
                new Activation(dev, "D.lrelu2", ActivationFunction.LeakyRelu, 0.2f),
                new Reshape(dev, "D.flatten", null),
                new Linear(dev, "D.fc", 2 * w * s * s, 1));
        }
        return new Sequential(dev, "D",
            new Conv2d(dev, "D.conv1", c.Channels, w, k4s2p1, bias: false),
            new Activation(dev, "D.lrelu1", ActivationFunction.LeakyRelu, 0.2f),
            new Conv2d(dev, "D.conv2", w, 2 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "D.bn2", 2 * w), new Activation(dev, "D.lrelu2", ActivationFunction.LeakyRelu, 0.2f),
            new Conv2d(dev, "D.conv3", 2 * w, 4 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "D.bn3", 4 * w), new Activation(dev, "D.lrelu3", ActivationFunction.LeakyRelu, 0.2f),
            new Conv2d(dev, "D.conv4", 4 * w, 8 * w, k4s2p1, bias: false),
            new BatchNorm(dev, "D.bn4", 8 * w), new Activation(dev, "D.lrelu4", ActivationFunction.LeakyRelu, 0.2f),
            new Conv2d(dev, "D.conv5", 8 * w, 1, ConvOptions.Square(4, 1, 0), bias: false),
            new Reshape(dev, "D.flatten", null));
    }

    /// <summary>
    /// DCGAN initialisation: conv, conv-transpose and linear weights N(0, 0.02), BatchNorm weight N(1, 0.02),
    /// biases 0. Drawn on the device from Philox, so a seed gives the same model on every accelerator.
    /// </summary>
    public static void Initialize(Layer model, NoiseGenerator rng)
    {
        foreach (var p in model.Parameters)
        {
            bool isBias = p.Name.EndsWith(".bias", StringComparison.Ordinal);
            bool isNorm = p.Name.Contains(".bn", StringComparison.Ordinal);
            if (isBias) ElementwiseOps.Fill(model.Device, p.Value.View, p.Value.Length, 0f);
            else rng.Normal(p.Value, isNorm ? 1f : 0f, 0.02f);
        }
    }

    public static long CountParameters(Layer model) => model.Parameters.Sum(p => (long)p.Value.Length);
}
