using GpuGan.Device;

namespace GpuGan.Layers;

/// <summary>
/// Layers applied in order; Backward runs them in reverse. A layer that can fuse the <see cref="Activation"/> after
/// it (<see cref="IFusesActivation"/>) runs the pair as one step while <see cref="FuseActivations"/> is on.
/// </summary>
public sealed class Sequential : Layer
{
    // Each step is one layer, or a fusing layer and the activation it applies (Next).
    readonly (Layer Layer, Activation? Next)[] fused, plain;

    public Sequential(ComputeDevice device, string name, params Layer[] layers) : base(device, name)
    {
        Layers = layers;
        plain = layers.Select(l => (l, (Activation?)null)).ToArray();
        var steps = new List<(Layer, Activation?)>();
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is IFusesActivation f && i + 1 < layers.Length && layers[i + 1] is Activation a && f.CanFuse(a))
            {
                steps.Add((layers[i], a));
                i++;
            }
            else steps.Add((layers[i], null));
        }
        fused = steps.ToArray();
        Arena = ParameterArena.Pack(device, Parameters);
    }

    /// <summary>Every parameter of this network in one value and one gradient buffer (null when it has none).</summary>
    public ParameterArena? Arena { get; }

    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>Runs fusable layer + activation pairs as one step (default). Off, every layer runs on its own: the
    /// reference the fused steps are tested against. Change it only between a Backward and the next Forward.</summary>
    public bool FuseActivations { get; set; } = true;

    (Layer Layer, Activation? Next)[] Steps => FuseActivations ? fused : plain;

    /// <summary>The layer + activation pairs that run as one step (each saves a launch per pass).</summary>
    public int FusedPairs => fused.Count(s => s.Next != null);

    public override bool Training
    {
        get => base.Training;
        set { base.Training = value; foreach (var l in Layers) l.Training = value; }
    }

    public override bool ParameterGradients
    {
        get => base.ParameterGradients;
        set { base.ParameterGradients = value; foreach (var l in Layers) l.ParameterGradients = value; }
    }

    public override IntTensor? Labels
    {
        get => base.Labels;
        set { base.Labels = value; foreach (var l in Layers) l.Labels = value; }
    }

    public override IEnumerable<Parameter> Parameters => Layers.SelectMany(l => l.Parameters);
    public override IEnumerable<(string Name, Tensor Value)> Buffers => Layers.SelectMany(l => l.Buffers);
    public override IEnumerable<LayerCounter> Counters => Layers.SelectMany(l => l.Counters);

    public override Tensor Forward(Tensor x)
    {
        foreach (var (l, next) in Steps)
        {
            using (Device.Profiler == null ? default : Device.Section(next == null ? $"{l.Name}.forward" : $"{l.Name}+{next.Name}.forward"))
                x = next == null ? l.Forward(x) : ((IFusesActivation)l).ForwardFused(x, next);
        }
        return x;
    }

    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        var steps = Steps;
        for (int i = steps.Length - 1; i >= 0; i--)
        {
            var (l, next) = steps[i];
            Tensor? dx;
            bool wanted = inputGradient || i > 0;
            using (Device.Profiler == null ? default : Device.Section(next == null ? $"{l.Name}.backward" : $"{l.Name}+{next.Name}.backward"))
                dx = next == null ? l.Backward(dy, wanted) : ((IFusesActivation)l).BackwardFused(dy, next, wanted);
            if (i == 0) return dx;
            dy = dx!;
        }
        return null;
    }

    public override void Dispose()
    {
        foreach (var l in Layers) l.Dispose();
        GC.SuppressFinalize(this);
    }
}
