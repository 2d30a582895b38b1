using System.Collections.Concurrent;
using GpuGan.Device;

namespace GpuGan.Ops;

/// <summary>
/// One op's implementations, one typed launcher per registered variant. The launcher for a device is loaded
/// (its kernels compiled) once, on first use, for the device's <see cref="ComputeDevice.Variant"/>, following
/// the variant's fall-back chain when the op registered nothing for it. A launcher brackets each kernel it
/// launches with <see cref="ComputeDevice.Launch(string, double, double)"/>; host variants synchronise first.
/// </summary>
public sealed class OpVariants<TLaunch>(string op) where TLaunch : Delegate
{
    readonly ConcurrentDictionary<OpVariant, Func<ComputeDevice, TLaunch>> loaders = new();

    /// <summary>The op's name, also its launcher's cache key on a device.</summary>
    public string Op { get; } = op;

    /// <summary>Adds (or replaces) the implementation for the given variants; a new variant or backend needs nothing else.</summary>
    public OpVariants<TLaunch> Register(Func<ComputeDevice, TLaunch> load, params OpVariant[] variants)
    {
        foreach (var v in variants) loaders[v] = load;
        return this;
    }

    /// <summary>The launcher for this device, loaded on first use.</summary>
    public TLaunch For(ComputeDevice dev) => dev.Kernel(Op, loadForDevice ??= d => Load(d, d.Variant));

    // Kept, so a call allocates no delegate.
    Func<ComputeDevice, TLaunch>? loadForDevice;

    /// <summary>
    /// Loads (uncached) the launcher <paramref name="variant"/> reaches on this device: for a variant that handles
    /// some cases itself and hands the others to the one it falls back to.
    /// </summary>
    public TLaunch Load(ComputeDevice dev, OpVariant variant)
    {
        for (var v = variant; v != null; v = v.FallsBackTo)
            if (loaders.TryGetValue(v, out var load)) return load(dev);
        throw new NotSupportedException($"{Op}: no variant registered for {variant} or what it falls back to");
    }
}
