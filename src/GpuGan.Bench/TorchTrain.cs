using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using static GpuGan.Bench.DcganShapes;

namespace GpuGan.Bench;

/// <summary>
/// The whole DCGAN training iteration in TorchSharp, as in pytorch/examples dcgan/main.py:
/// D step on a real batch and a detached fake batch, then G step with the non-saturating loss.
/// BCE-with-logits, Adam lr 2e-4 betas (0.5, 0.999), batch 64, random data.
/// </summary>
public static class TorchTrain
{
    public static TrainResult Measure(int threads, int warmup, int iterations)
    {
        manual_seed(1);
        var netG = TorchModels.Generator();
        var netD = TorchModels.Discriminator();
        netG.train(); netD.train();
        var criterion = nn.BCEWithLogitsLoss();
        var optD = optim.Adam(netD.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
        var optG = optim.Adam(netG.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
        var realLabel = ones(Batch, 1);
        var fakeLabel = zeros(Batch, 1);
        // A few random "real" batches in [-1, 1], made before timing (stands in for the data loader).
        var realBatches = Enumerable.Range(0, 8)
            .Select(_ => rand(Batch, ImageChannels, ImageSize, ImageSize) * 2 - 1).ToArray();

        double lossD = 0, lossG = 0;
        void Iteration(int i)
        {
            using var scope = NewDisposeScope();
            var real = realBatches[i % realBatches.Length];

            // (1) Update D: maximize log(D(x)) + log(1 - D(G(z))).
            optD.zero_grad();
            var errDReal = criterion.forward(netD.forward(real), realLabel);
            errDReal.backward();
            var noise = randn(Batch, Nz);
            var fake = netG.forward(noise);
            var errDFake = criterion.forward(netD.forward(fake.detach()), fakeLabel);
            errDFake.backward();
            optD.step();

            // (2) Update G: maximize log(D(G(z))).
            optG.zero_grad();
            var errG = criterion.forward(netD.forward(fake), realLabel);
            errG.backward();
            optG.step();

            lossD = errDReal.item<float>() + errDFake.item<float>();
            lossG = errG.item<float>();
        }

        for (int i = 0; i < warmup; i++) Iteration(i);
        var samples = new List<double>(iterations);
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Iteration(i);
            samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if ((i + 1) % 10 == 0)
                Console.Error.WriteLine($"  iteration {i + 1}/{iterations}: {samples[^1]:F1} ms  loss D {lossD:F3}  loss G {lossG:F3}");
        }
        var s = Timing.Summarize(samples);
        return new TrainResult(threads, Batch, warmup, iterations, s.MedianMs, s.MeanMs, s.MinMs,
            Batch / (s.MedianMs / 1000.0), MachineInfo.PeakRssKiB(), lossD, lossG)
        { ParamsG = TorchModels.ParameterCount(netG), ParamsD = TorchModels.ParameterCount(netD) };
    }
}
