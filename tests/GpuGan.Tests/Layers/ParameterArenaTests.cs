using GpuGan.Device;
using GpuGan.Layers;
using GpuGan.Optim;
using GpuGan.Tests.Kernels;
using Xunit;

namespace GpuGan.Tests.Layers;

/// <summary>
/// <see cref="ParameterArena"/>: Sequential packs its parameters into one value and one gradient buffer without
/// changing them, and Adam's one launch over the arena computes bit for bit what a launch per parameter computes.
/// </summary>
[Collection(TestDeviceCollection.Name)]
public sealed class ParameterArenaTests(TestDeviceFixture fixture)
{
    static Sequential Net(ComputeDevice dev, string name) =>
        new(dev, name, new Linear(dev, $"{name}.fc1", 7, 5), new BatchNorm(dev, $"{name}.bn", 5), new Linear(dev, $"{name}.fc2", 5, 3, bias: false));

    static void Fill(ComputeDevice dev, IEnumerable<Parameter> ps, int seed, bool grads)
    {
        var rng = new Random(seed);
        foreach (var p in ps)
            (grads ? p.Grad : p.Value).CopyFrom(Enumerable.Range(0, p.Value.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
    }

    [Fact]
    public void Packing_keeps_each_parameters_shape_and_values_at_aligned_offsets()
    {
        var dev = fixture.CpuSimd;
        using var net = Net(dev, "N");
        var arena = Assert.IsType<ParameterArena>(net.Arena);
        var ps = net.Parameters.ToList();
        Assert.Equal(ps, arena.Parameters);
        Assert.Same(arena, ParameterArena.Of(ps));
        Assert.Null(ParameterArena.Of(ps.AsEnumerable().Reverse().ToList()));
        Fill(dev, ps, 11, grads: false);
        var values = arena.Values.ToArray();
        for (int i = 0; i < ps.Count; i++)
        {
            int at = arena.OffsetOf(i);
            Assert.Equal(0, at % ParameterArena.Alignment);
            Assert.Equal(ps[i].Value.ToArray(), values.AsSpan(at, ps[i].Value.Length).ToArray());
            if (i + 1 < ps.Count)   // the gap up to the next slice is zero
                Assert.All(values[(at + ps[i].Value.Length)..arena.OffsetOf(i + 1)], v => Assert.Equal(0f, v));
        }
        Assert.Equal([5, 7], ps[0].Value.Shape);
    }

    [Fact]
    public void Adam_over_the_arena_equals_adam_per_parameter_bit_for_bit()
    {
        using var ilgpu = ComputeDevice.CreateCpu(cpuKernels: CpuKernelVariant.Ilgpu);
        foreach (var dev in new[] { fixture.CpuSimd, ilgpu })
        {
            using var a = Net(dev, "A");
            using var b = Net(dev, "B");
            Fill(dev, a.Parameters, 5, grads: false);
            Fill(dev, b.Parameters, 5, grads: false);
            var options = new AdamOptions(1e-2f, 0.5f, 0.999f, WeightDecay: 0.01f);
            using var arenaAdam = new Adam(dev, a.Parameters, options);
            // Reversed: not the arena's order, so this one launches per parameter.
            using var plainAdam = new Adam(dev, b.Parameters.Reverse(), options);
            for (int step = 0; step < 3; step++)
            {
                Fill(dev, a.Parameters, 100 + step, grads: true);
                Fill(dev, b.Parameters, 100 + step, grads: true);
                arenaAdam.Step();
                plainAdam.Step();
            }
            foreach (var (pa, pb) in a.Parameters.Zip(b.Parameters))
                Assert.Equal(pb.Value.ToArray(), pa.Value.ToArray());
            var stateB = plainAdam.State.ToDictionary(s => s.Name[1..], s => s.Value.ToArray());
            foreach (var (name, t) in arenaAdam.State) Assert.Equal(stateB[name[1..]], t.ToArray());
            arenaAdam.ZeroGrad();
            Assert.All(a.Arena!.Grads.ToArray(), g => Assert.Equal(0f, g));
        }
    }

    [Fact]
    public void Disposing_the_network_frees_the_arena()
    {
        var net = Net(fixture.CpuSimd, "N");
        var arena = net.Arena!;
        var first = net.Parameters.First().Value;
        net.Dispose();
        Assert.True(arena.Values.IsDisposed);
        Assert.True(arena.Grads.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => first.ToArray());
    }
}
