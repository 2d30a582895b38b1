using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;

namespace GpuGan.Optim;

public sealed record AdamOptions(float Lr = 2e-4f, float Beta1 = 0.5f, float Beta2 = 0.999f, float Eps = 1e-8f,
    float WeightDecay = 0f, bool Decoupled = false);

/// <summary>
/// Adam (or AdamW when Decoupled) with PyTorch's update. When the parameters are exactly one network's
/// <see cref="ParameterArena"/>, a step is one launch over the arena and zero_grad one fill; otherwise one launch
/// per parameter.
/// </summary>
public sealed class Adam : IOptimizer
{
    readonly ComputeDevice device;
    readonly ParameterArena? arena;
    // Arena: one m and one v over the whole arena, seen per parameter through slices. Otherwise one per parameter.
    readonly Tensor? arenaM, arenaV;
    readonly Tensor[] m, v;

    public Adam(ComputeDevice device, IEnumerable<Parameter> parameters, AdamOptions options)
    {
        if (options.Lr <= 0 || options.Beta1 is < 0 or >= 1 || options.Beta2 is < 0 or >= 1 || options.Eps <= 0 || options.WeightDecay < 0)
            throw new ArgumentException($"invalid Adam options: {options}");
        this.device = device;
        Options = options;
        LearningRate = options.Lr;
        Parameters = parameters.ToArray();
        arena = ParameterArena.Of(Parameters);
        if (arena != null)
        {
            arenaM = Zeros([arena.Length]);
            arenaV = Zeros([arena.Length]);
            m = Parameters.Select((p, i) => arenaM.Slice(arena.OffsetOf(i), p.Value.Shape)).ToArray();
            v = Parameters.Select((p, i) => arenaV.Slice(arena.OffsetOf(i), p.Value.Shape)).ToArray();
        }
        else
        {
            m = Parameters.Select(p => Zeros(p.Value.Shape)).ToArray();
            v = Parameters.Select(p => Zeros(p.Value.Shape)).ToArray();
        }
    }

    Tensor Zeros(int[] shape)
    {
        var t = device.Allocate(shape);
        ElementwiseOps.Fill(device, t.View, t.Length, 0f);
        return t;
    }

    public AdamOptions Options { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public long Steps { get; set; }
    public float LearningRate { get; set; }

    /// <summary>The moments as whole buffers: one m and one v over the arena, else one pair per parameter.</summary>
    public IEnumerable<Tensor> MomentBuffers => arena != null ? [arenaM!, arenaV!] : m.Concat(v);

    public void Step()
    {
        Steps++;
        if (arena != null)
        {
            OptimizerOps.Adam(device, arena.Values.View, arena.Grads.View, arenaM!.View, arenaV!.View, arena.Length, Options, LearningRate, Steps);
            return;
        }
        for (int i = 0; i < Parameters.Count; i++)
        {
            var w = Parameters[i];
            OptimizerOps.Adam(device, w.Value.View, w.Grad.View, m[i].View, v[i].View, w.Value.Length, Options, LearningRate, Steps);
        }
    }

    public void ZeroGrad() => Optimizers.ZeroGrad(device, Parameters, arena);

    public IEnumerable<(string Name, Tensor Value)> State =>
        Parameters.SelectMany((w, i) => new[] { ($"{w.Name}.exp_avg", m[i]), ($"{w.Name}.exp_avg_sq", v[i]) });

    public void Dispose()
    {
        foreach (var t in MomentBuffers) t.Dispose();
    }
}
