using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GpuGan.Bench;

/// <summary>Times each op of <see cref="DcganShapes.Ops"/> with libtorch (TorchSharp), one call at a time.</summary>
public static class TorchKernels
{
    public static List<BenchResult> Measure(IReadOnlyList<OpShape> ops, int warmup, int minReps, double minSeconds)
    {
        var results = new List<BenchResult>();
        foreach (var op in ops)
        {
            using var setup = NewDisposeScope();
            Action call = Build(op);
            var stats = Timing.Measure(() => { using var scope = NewDisposeScope(); call(); }, warmup, minReps, minSeconds);
            var r = new BenchResult(op.Name, stats.MedianMs, stats.MinMs, stats.Repetitions, op.Flops);
            Console.Error.WriteLine($"  {op.Name,-48} {r.MedianMs,10:F4} ms {r.Gflops,9:F2} GFLOP/s  ({r.Repetitions} reps)");
            results.Add(r);
        }
        return results;
    }

    static Tensor Randn(params long[] shape) => randn(shape, dtype: float32);

    /// <summary>The op's input activation: (N, C) when H = W = 1 (BatchNorm1d, the ReLU after G's linear), else (N, C, H, W).</summary>
    static Tensor Input(OpShape op) => op.H == 1 && op.W == 1 ? Randn(op.N, op.InC) : Randn(op.N, op.InC, op.H, op.W);

    /// <summary>Gradient of y (seeded with gy) with respect to the given inputs; the graph is kept for the next call.</summary>
    static Action Grad(Tensor y, Tensor? gy, params Tensor[] inputs) =>
        () => autograd.grad([y], inputs, gy is null ? null : [gy], retain_graph: true);

    static Action Build(OpShape op)
    {
        long n = op.N;
        switch (op.Kind)
        {
            case OpKind.Linear:
            {
                var x = Randn(n, op.InC); var w = Randn(op.OutC, op.InC) * 0.02f; var b = zeros(op.OutC);
                if (op.Pass == OpPass.Forward) return () => F.linear(x, w, b);
                x.requires_grad_(); w.requires_grad_(); b.requires_grad_();
                var y = F.linear(x, w, b);
                return Grad(y, randn_like(y), x, w, b);
            }
            case OpKind.Conv2d:
            case OpKind.ConvTranspose2d:
            {
                bool transposed = op.Kind == OpKind.ConvTranspose2d;
                var x = Randn(n, op.InC, op.H, op.W);
                var w = (transposed ? Randn(op.InC, op.OutC, op.K, op.K) : Randn(op.OutC, op.InC, op.K, op.K)) * 0.02f;
                var b = zeros(op.OutC); // every conv of the model has a bias
                long[] s = [op.Stride, op.Stride], p = [op.Pad, op.Pad];
                Func<Tensor> conv = transposed
                    ? () => F.conv_transpose2d(x, w, b, s, p)
                    : () => F.conv2d(x, w, b, s, p);
                if (op.Pass == OpPass.Forward) return () => conv();
                // bwd-data: dx only; bwd-weight: dW and db (GpuGan's weight-gradient pass also sums db).
                Tensor[] wrt = op.Pass == OpPass.BackwardData ? [x] : [w, b];
                foreach (var t in wrt) t.requires_grad_();
                var y = conv();
                return Grad(y, randn_like(y), wrt);
            }
            case OpKind.BatchNorm1d:
            case OpKind.BatchNorm2d:
            {
                var x = Input(op);
                var gamma = ones(op.InC); var beta = zeros(op.InC);
                var mean = zeros(op.InC); var variance = ones(op.InC);
                if (op.Pass == OpPass.Forward) return () => F.batch_norm(x, mean, variance, gamma, beta, training: true);
                x.requires_grad_(); gamma.requires_grad_(); beta.requires_grad_();
                var y = F.batch_norm(x, mean, variance, gamma, beta, training: true);
                return Grad(y, randn_like(y), x, gamma, beta);
            }
            case OpKind.Relu:
            case OpKind.LeakyRelu:
            case OpKind.Tanh:
            {
                var x = Input(op);
                Func<Tensor, Tensor> f = op.Kind switch
                {
                    OpKind.Relu => t => F.relu(t),
                    OpKind.LeakyRelu => t => F.leaky_relu(t, DcganShapes.LeakySlope),
                    _ => t => t.tanh(),
                };
                if (op.Pass == OpPass.Forward) return () => f(x);
                x.requires_grad_();
                var y = f(x);
                return Grad(y, randn_like(y), x);
            }
            case OpKind.BceWithLogits:
            {
                var logits = Randn(n, 1); var target = ones(n, 1);
                if (op.Pass == OpPass.Forward) return () => F.binary_cross_entropy_with_logits(logits, target);
                logits.requires_grad_();
                var loss = F.binary_cross_entropy_with_logits(logits, target);
                return Grad(loss, null, logits);
            }
            case OpKind.AdamStep:
                return AdamStep(op.Network);
            default:
                throw new NotSupportedException(op.Name);
        }
    }

    /// <summary>optimizer.step() over all parameters of G or D, with gradients from one real backward pass.</summary>
    static Action AdamStep(string network)
    {
        var model = network == "G" ? TorchModels.Generator() : TorchModels.Discriminator();
        var input = network == "G" ? Randn(DcganShapes.Batch, DcganShapes.Nz)
            : rand(DcganShapes.Batch, DcganShapes.ImageChannels, DcganShapes.ImageSize, DcganShapes.ImageSize) * 2 - 1;
        model.forward(input).square().mean().backward();
        var adam = optim.Adam(model.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
        // The model and optimizer outlive the setup scope (they are not tensors created in it).
        return () => adam.step();
    }
}
