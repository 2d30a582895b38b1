using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static GpuGan.Bench.DcganShapes;

namespace GpuGan.Bench;

/// <summary>
/// The default DCGAN in TorchSharp with its optimizers, and one training iteration as in pytorch/examples
/// dcgan/main.py: D step on a real batch and a detached fake batch, then G step with the non-saturating loss
/// on the same fake batch. BCE-with-logits, Adam lr 2e-4 betas (0.5, 0.999), batch 64 — GanTrainer.Step's order.
/// </summary>
public sealed class TorchDcgan
{
    readonly BCEWithLogitsLoss criterion = nn.BCEWithLogitsLoss();
    readonly optim.Optimizer optD, optG;
    readonly Tensor realLabel = ones(Batch, 1), fakeLabel = zeros(Batch, 1);

    /// <summary>Builds G, then D, with DCGAN init from torch's global generator (seed it first: manual_seed).</summary>
    public TorchDcgan()
    {
        G = TorchModels.Generator();
        D = TorchModels.Discriminator();
        G.train(); D.train();
        optD = optim.Adam(D.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
        optG = optim.Adam(G.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
    }

    public Sequential G { get; }
    public Sequential D { get; }

    /// <summary>One iteration on <paramref name="real"/> (Batch, 1, 28, 28) in [-1, 1] with fresh normal noise;
    /// returns Loss_D (real + fake) and Loss_G, read back, so the iteration has finished.</summary>
    public (double LossD, double LossG) Step(Tensor real)
    {
        using var scope = NewDisposeScope();

        // (1) Update D: maximize log(D(x)) + log(1 - D(G(z))).
        optD.zero_grad();
        var errDReal = criterion.forward(D.forward(real), realLabel);
        errDReal.backward();
        var fake = G.forward(randn(Batch, Nz));
        var errDFake = criterion.forward(D.forward(fake.detach()), fakeLabel);
        errDFake.backward();
        optD.step();

        // (2) Update G: maximize log(D(G(z))).
        optG.zero_grad();
        var errG = criterion.forward(D.forward(fake), realLabel);
        errG.backward();
        optG.step();

        return (errDReal.item<float>() + errDFake.item<float>(), errG.item<float>());
    }
}
