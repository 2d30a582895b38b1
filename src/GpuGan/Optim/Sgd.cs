using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;

namespace GpuGan.Optim;

public sealed record SgdOptions(float Lr = 1e-2f, float Momentum = 0f, float WeightDecay = 0f);

/// <summary>Plain SGD, optionally with momentum and L2 weight decay (PyTorch's formula).</summary>
public sealed class Sgd : IOptimizer
{
    readonly ComputeDevice device;
    readonly Tensor[] buffers;
    readonly ParameterArena? arena;

    public Sgd(ComputeDevice device, IEnumerable<Parameter> parameters, SgdOptions options)
    {
        if (options.Lr <= 0 || options.Momentum < 0 || options.WeightDecay < 0) throw new ArgumentException($"invalid SGD options: {options}");
        this.device = device;
        Options = options;
        LearningRate = options.Lr;
        Parameters = parameters.ToArray();
        arena = ParameterArena.Of(Parameters);
        buffers = Parameters.Select(p =>
        {
            var t = device.Allocate(p.Value.Shape);
            ElementwiseOps.Fill(device, t.View, t.Length, 0f);
            return t;
        }).ToArray();
    }

    public SgdOptions Options { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public long Steps { get; set; }
    public float LearningRate { get; set; }

    public void Step()
    {
        bool hasBuffer = Steps > 0;
        Steps++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var w = Parameters[i];
            OptimizerOps.Sgd(device, w.Value.View, w.Grad.View, buffers[i].View, w.Value.Length, Options, LearningRate, hasBuffer);
        }
    }

    public void ZeroGrad() => Optimizers.ZeroGrad(device, Parameters, arena);

    public IEnumerable<(string Name, Tensor Value)> State => Parameters.Select((w, i) => ($"{w.Name}.momentum_buffer", buffers[i]));

    public void Dispose()
    {
        foreach (var t in buffers) t.Dispose();
    }
}
