namespace GpuGan.Models;

/// <summary>Every model --model can pick, by name. Built-in models are listed here; others (tests, plug-ins) call Register.</summary>
public static class ModelCatalog
{
    static readonly object Gate = new();
    static readonly List<ModelDefinition> Models =
    [
        new Dcgan28(),
        new Dcgan64(),
        new Cdcgan28(),
        new Cdcgan64(),
    ];

    /// <summary>The model of a plain `gpugan train`.</summary>
    public static ModelDefinition Default => Models[0];

    public static IReadOnlyList<ModelDefinition> All
    {
        get { lock (Gate) return Models.ToArray(); }
    }

    public static string KnownNames => string.Join(", ", All.Select(m => m.Name));

    /// <summary>Adds a model; registering the same definition type again is a no-op, a taken name an error.</summary>
    public static void Register(ModelDefinition model)
    {
        lock (Gate)
        {
            var taken = Find(model.Name) ?? model.Aliases.Select(Find).FirstOrDefault(m => m != null);
            if (taken == null) Models.Add(model);
            else if (taken.GetType() != model.GetType())
                throw new ArgumentException($"model name '{model.Name}' is already taken by {taken.GetType().Name}");
        }
    }

    /// <summary>The model named (or aliased) <paramref name="name"/>, case-insensitively; else a one-line error listing the known ones.</summary>
    public static ModelDefinition Get(string name)
    {
        lock (Gate)
            return Find(name) ?? throw new ModelConfigException(nameof(ModelConfig.Name), $"'{name}': unknown model (known: {string.Join(", ", Models.Select(m => m.Name))})");
    }

    static ModelDefinition? Find(string name) => Models.FirstOrDefault(m =>
        string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase) ||
        m.Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase)));
}
