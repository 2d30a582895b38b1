using GpuGan.Device;
using GpuGan.Ops;

namespace GpuGan.Layers;

/// <summary>
/// One value buffer and one gradient buffer holding every parameter of a network, each parameter a slice of them
/// (offsets aligned to <see cref="Alignment"/> floats, the gaps zero). An optimizer then updates the whole network
/// in one launch and zero_grad is one fill, where per-parameter buffers cost a launch per parameter.
/// <see cref="Sequential"/> packs its parameters into one when it is built; the slices keep their shapes and
/// names, so layers, checkpoints and exports see no difference.
/// </summary>
public sealed class ParameterArena
{
    /// <summary>64 floats (256 bytes): every slice starts on a boundary a GPU loads in whole transactions.</summary>
    public const int Alignment = 64;

    readonly Parameter[] parameters;
    readonly int[] offsets;
    int live;

    ParameterArena(Tensor values, Tensor grads, Parameter[] parameters, int[] offsets)
    {
        Values = values;
        Grads = grads;
        this.parameters = parameters;
        this.offsets = offsets;
        live = parameters.Length;
    }

    /// <summary>All parameter values, gaps included (zero, and they stay zero under any optimizer: their gradient is zero).</summary>
    public Tensor Values { get; }
    /// <summary>All parameter gradients, laid out as <see cref="Values"/>.</summary>
    public Tensor Grads { get; }
    public IReadOnlyList<Parameter> Parameters => parameters;
    public int Length => Values.Length;

    /// <summary>Where parameter <paramref name="index"/> starts in the arena.</summary>
    public int OffsetOf(int index) => offsets[index];

    /// <summary>
    /// Moves <paramref name="parameters"/> (values and gradients copied on the device) into a new arena in this
    /// order, and frees their old buffers (or their share of an earlier arena). Returns null when there are none.
    /// </summary>
    public static ParameterArena? Pack(ComputeDevice device, IEnumerable<Parameter> parameters)
    {
        var ps = parameters.ToArray();
        if (ps.Length == 0) return null;
        if (ps.Distinct().Count() != ps.Length) throw new ArgumentException("a parameter appears twice in one arena");
        var offsets = new int[ps.Length];
        long total = 0;
        for (int i = 0; i < ps.Length; i++)
        {
            offsets[i] = (int)total;
            total += (ps[i].Value.Length + Alignment - 1) / Alignment * Alignment;
        }
        if (total > int.MaxValue) throw new ArgumentException($"a network of {total} parameter elements is larger than 2^31 - 1");
        var values = device.Allocate((int)total);
        var grads = device.Allocate((int)total);
        values.Name = "parameter arena";
        grads.Name = "gradient arena";
        ElementwiseOps.Fill(device, values.View, values.Length, 0f);
        ElementwiseOps.Fill(device, grads.View, grads.Length, 0f);
        var arena = new ParameterArena(values, grads, ps, offsets);
        for (int i = 0; i < ps.Length; i++)
        {
            var p = ps[i];
            var v = values.Slice(offsets[i], p.Value.Shape);
            var g = grads.Slice(offsets[i], p.Grad.Shape);
            ElementwiseOps.Copy(device, p.Value.View, v.View, p.Value.Length);
            ElementwiseOps.Copy(device, p.Grad.View, g.View, p.Grad.Length);
            p.MoveInto(v, g, arena);
        }
        return arena;
    }

    /// <summary>The arena holding exactly <paramref name="parameters"/> in its order, else null (then per-parameter work is needed).</summary>
    public static ParameterArena? Of(IReadOnlyList<Parameter> parameters)
    {
        if (parameters.Count == 0 || parameters[0].Arena is not { } a || a.parameters.Length != parameters.Count) return null;
        for (int i = 0; i < parameters.Count; i++)
            if (!ReferenceEquals(a.parameters[i], parameters[i])) return null;
        return a;
    }

    /// <summary>A parameter left (disposed, or moved into another arena); the last one frees the buffers.</summary>
    internal void Release()
    {
        if (--live > 0) return;
        Values.Dispose();
        Grads.Dispose();
    }
}
