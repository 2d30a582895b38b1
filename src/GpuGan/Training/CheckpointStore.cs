using GpuGan.Device;
using GpuGan.Layers;

namespace GpuGan.Training;

/// <summary>
/// Checkpoints of a run folder and the way between them and live tensors: train saves and resumes through it,
/// sample and export load a generator (and export a discriminator) through it. The file format itself is <see cref="Checkpoint"/>.
/// </summary>
public sealed class CheckpointStore(string runFolder, int keep)
{
    public string Folder { get; } = Path.Combine(runFolder, "checkpoints");

    /// <summary>Writes the tensors' current values and the state as checkpoint_ITERATION, then deletes all but the newest <c>keep</c>.</summary>
    public string Save(TrainState state, IEnumerable<(string Name, Tensor Value)> tensors)
    {
        string path = Write(state, tensors, Checkpoint.FileName(state.Iteration));
        // Older ones go only after the new one is safely on disk.
        var all = Directory.GetFiles(Folder, "checkpoint_*.gpugan").OrderBy(f => f, StringComparer.Ordinal).ToList();
        for (int i = 0; i < all.Count - keep; i++) File.Delete(all[i]);
        return path;
    }

    public const string BestFileName = "best.gpugan";

    /// <summary>Writes the best checkpoint so far (by FID) as checkpoints/best.gpugan, replacing the previous best.</summary>
    public string SaveBest(TrainState state, IEnumerable<(string Name, Tensor Value)> tensors)
    {
        return Write(state, tensors, BestFileName);
    }

    string Write(TrainState state, IEnumerable<(string Name, Tensor Value)> tensors, string fileName)
    {
        var saved = new Dictionary<string, (int[], float[])>();
        foreach (var (name, t) in tensors) saved[name] = (t.Shape, t.ToArray());
        string path = Path.Combine(Folder, fileName);
        try { new Checkpoint { State = state, Tensors = saved }.Save(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The error names the hidden temporary file; say what was not written and which checkpoint survived.
            string? newest = Directory.Exists(Folder)
                ? Directory.GetFiles(Folder, "checkpoint_*.gpugan").Where(f => f != path).Order(StringComparer.Ordinal).LastOrDefault()
                : null;
            string survived = newest != null ? $"the newest checkpoint on disk is {newest}" : "no checkpoint of this run is on disk yet";
            throw new IOException($"{path} was not written ({GpuGan.Text.OneLine.Of(e.Message).TrimEnd('.')}); {survived}", e);
        }
        return path;
    }

    /// <summary>A checkpoint file, or a run folder's latest checkpoint, read and CRC-checked.</summary>
    public static (Checkpoint Checkpoint, string File) Open(string fileOrRunFolder)
    {
        string file = Checkpoint.Resolve(fileOrRunFolder);
        return (Checkpoint.Load(file), file);
    }

    /// <summary>Copies every named tensor from a checkpoint; a missing or differently shaped one is an error naming <paramref name="source"/>.</summary>
    public static void Restore(Checkpoint c, IEnumerable<(string Name, Tensor Value)> targets, string source)
    {
        foreach (var (name, t) in targets)
        {
            if (!c.Tensors.TryGetValue(name, out var saved))
                throw new CheckpointException($"{source}: has no tensor '{name}': it was made for another model");
            if (!saved.Shape.AsSpan().SequenceEqual(t.Shape))
                throw new CheckpointException($"{source}: tensor '{name}' is ({string.Join(", ", saved.Shape)}), the model needs ({t.ShapeText})");
            t.CopyFrom(saved.Data);
        }
    }

    /// <summary>
    /// Sets every named counter from the checkpoint's state. A checkpoint from before the counters (no Counters at all)
    /// restores them as 0; one that has counters but not this one was made for another model.
    /// </summary>
    public static void RestoreCounters(Checkpoint c, IEnumerable<(string Name, LayerCounter Counter)> targets, string source)
    {
        foreach (var (name, counter) in targets)
        {
            if (c.State.Counters == null) counter.Value = 0;
            else if (c.State.Counters.TryGetValue(name, out long v)) counter.Value = v;
            else throw new CheckpointException($"{source}: has no counter '{name}': it was made for another model");
        }
    }

    /// <summary>A network's counters under the names checkpoints use.</summary>
    public static IEnumerable<(string Name, LayerCounter Counter)> Counters(Layer network) => network.Counters.Select(c => (c.Name, c));

    /// <summary>Whether the checkpoint holds G's weight average (trained with --ema).</summary>
    public static bool HasAverage(Checkpoint c) => c.Tensors.Keys.Any(k => k.StartsWith(GeneratorAverage.Prefix, StringComparison.Ordinal));

    /// <summary>
    /// The checkpoint's generator (its registered model, weights and BatchNorm statistics), in evaluation mode:
    /// with <paramref name="average"/> null its weight average when it has one, else G; true insists on the average, false on G.
    /// </summary>
    public static Sequential LoadGenerator(ComputeDevice dev, Checkpoint c, string source, bool? average = null)
    {
        bool useAverage = average ?? HasAverage(c);
        if (useAverage && !HasAverage(c))
            throw new CheckpointException($"{source}: has no weight average of G (the run was trained without --ema)");
        var m = c.State.Options.Model;
        Models.ModelDefinition definition;
        try { definition = m.Definition; }
        catch (ArgumentException e) { throw new CheckpointException($"{source}: {e.Message}"); }
        var g = definition.Generator(dev, m);
        try
        {
            string prefix = useAverage ? GeneratorAverage.Prefix : "";
            Restore(c, Tensors(g).Select(t => (prefix + t.Name, t.Value)), source);
            RestoreCounters(c, Counters(g).Select(t => (prefix + t.Name, t.Counter)), source);
        }
        catch
        {
            g.Dispose();
            throw;
        }
        g.Training = false;
        return g;
    }

    /// <summary>The checkpoint's discriminator (its registered model, weights, BatchNorm statistics and counters), in evaluation mode.</summary>
    public static Sequential LoadDiscriminator(ComputeDevice dev, Checkpoint c, string source)
    {
        var m = c.State.Options.Model;
        Models.ModelDefinition definition;
        try { definition = m.Definition; }
        catch (ArgumentException e) { throw new CheckpointException($"{source}: {e.Message}"); }
        var d = definition.Discriminator(dev, m);
        try
        {
            Restore(c, Tensors(d), source);
            RestoreCounters(c, Counters(d), source);
        }
        catch
        {
            d.Dispose();
            throw;
        }
        d.Training = false;
        return d;
    }

    /// <summary>A network's parameters and buffers under the names checkpoints use.</summary>
    public static IEnumerable<(string Name, Tensor Value)> Tensors(Layer network) =>
        network.Parameters.Select(p => (p.Name, p.Value)).Concat(network.Buffers);
}
