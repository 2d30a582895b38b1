using GpuGan.Device;

namespace GpuGan.Layers;

/// <summary>Layers applied in order; Backward runs them in reverse.</summary>
public sealed class Sequential : Layer
{
    public Sequential(ComputeDevice device, string name, params Layer[] layers) : base(device, name) => Layers = layers;

    public IReadOnlyList<Layer> Layers { get; }

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
        foreach (var l in Layers)
        {
            if (Device.Profiler == null) { x = l.Forward(x); continue; }
            using (Device.Section($"{l.Name}.forward")) x = l.Forward(x);
        }
        return x;
    }

    public override Tensor? Backward(Tensor dy, bool inputGradient = true)
    {
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            Tensor? dx;
            using (Device.Profiler == null ? default : Device.Section($"{Layers[i].Name}.backward"))
                dx = Layers[i].Backward(dy, inputGradient || i > 0);
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
