namespace Neuromorph.Experiments;

/// <summary>Every experiment kind an experiment file can name with <c>experiment:</c>.</summary>
public static class ExperimentRegistry
{
    /// <summary>The registered kinds.</summary>
    public static IReadOnlyList<ExperimentKind> Kinds { get; } =
    [
        ReadoutClassification.Kind,
    ];
}
