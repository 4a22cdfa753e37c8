using System.Reflection;

namespace Neuromorph.Experiments;

/// <summary>
/// Every experiment kind an experiment file can name with <c>experiment:</c>. A kind is any
/// <see cref="IExperiment"/> class in this library with a <c>public static readonly ExperimentKind Kind</c>
/// field, so each room registers its experiments beside its code without editing a central list.
/// </summary>
public static class ExperimentRegistry
{
    private static readonly Lazy<IReadOnlyList<ExperimentKind>> All = new(Discover);

    /// <summary>The registered kinds, sorted by name.</summary>
    public static IReadOnlyList<ExperimentKind> Kinds => All.Value;

    private static IReadOnlyList<ExperimentKind> Discover()
    {
        var kinds = new List<ExperimentKind>();
        foreach (var t in typeof(ExperimentRegistry).Assembly.GetTypes())
        {
            if (!typeof(IExperiment).IsAssignableFrom(t) || t.IsAbstract) continue;
            var f = t.GetField("Kind", BindingFlags.Public | BindingFlags.Static);
            if (f?.FieldType == typeof(ExperimentKind) && f.GetValue(null) is ExperimentKind k) kinds.Add(k);
        }
        var dup = kinds.GroupBy(k => k.Kind).FirstOrDefault(g => g.Count() > 1);
        if (dup != null) throw new InvalidOperationException($"experiment kind '{dup.Key}' is registered twice");
        return [.. kinds.OrderBy(k => k.Kind, StringComparer.Ordinal)];
    }
}
