using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Ops;

namespace GpuGan.Optim;

public sealed record AdamOptions(float Lr = 2e-4f, float Beta1 = 0.5f, float Beta2 = 0.999f, float Eps = 1e-8f,
    float WeightDecay = 0f, bool Decoupled = false);

/// <summary>Adam (or AdamW when Decoupled) with PyTorch's update; one fused kernel launch per parameter.</summary>
public sealed class Adam : IOptimizer
{
    readonly ComputeDevice device;
    readonly Tensor[] m, v;

    public Adam(ComputeDevice device, IEnumerable<Parameter> parameters, AdamOptions options)
    {
        if (options.Lr <= 0 || options.Beta1 is < 0 or >= 1 || options.Beta2 is < 0 or >= 1 || options.Eps <= 0 || options.WeightDecay < 0)
            throw new ArgumentException($"invalid Adam options: {options}");
        this.device = device;
        Options = options;
        LearningRate = options.Lr;
        Parameters = parameters.ToArray();
        m = Parameters.Select(p => Zeros(p.Value.Shape)).ToArray();
        v = Parameters.Select(p => Zeros(p.Value.Shape)).ToArray();
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

    public void Step()
    {
        Steps++;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var w = Parameters[i];
            OptimizerOps.Adam(device, w.Value.View, w.Grad.View, m[i].View, v[i].View, w.Value.Length, Options, LearningRate, Steps);
        }
    }

    public void ZeroGrad()
    {
        foreach (var w in Parameters) ElementwiseOps.Fill(device, w.Grad.View, w.Grad.Length, 0f);
    }

    public IEnumerable<(string Name, Tensor Value)> State =>
        Parameters.SelectMany((w, i) => new[] { ($"{w.Name}.exp_avg", m[i]), ($"{w.Name}.exp_avg_sq", v[i]) });

    public void Dispose()
    {
        foreach (var t in m) t.Dispose();
        foreach (var t in v) t.Dispose();
    }
}
