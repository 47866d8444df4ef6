namespace Segments.Console.Definitions;

/// <summary>What every control of the builder needs: the tenant's field types, the segments it may reference, and whom to tell of an edit.</summary>
public sealed class BuilderContext(IReadOnlyDictionary<string, string> fields, IReadOnlyList<string> segments, Func<Task> changed)
{
    private int _ids;

    /// <summary>Field name to type: the built-in fields and the tenant's schema.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; } = fields;

    public IReadOnlyList<string> Segments { get; } = segments;

    public Task ChangedAsync() => changed();

    /// <summary>A fresh element id, so that each label names its own control.</summary>
    public string NextId(string prefix) => $"{prefix}-{++_ids}";
}
