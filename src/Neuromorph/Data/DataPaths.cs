namespace Neuromorph.Data;

/// <summary>
/// Where data sets are looked for, in order: <c>$NEUROMORPH_DATA/&lt;name&gt;</c>, the repository's
/// bundled <c>data/&lt;name&gt;</c>, then <c>~/.cache/neuromorph/&lt;name&gt;</c>.
/// </summary>
public static class DataPaths
{
    /// <summary>Environment variable that points at a folder of data sets.</summary>
    public const string EnvironmentVariable = "NEUROMORPH_DATA";

    private static readonly Lazy<string?> Root = new(FindRepositoryRoot);

    /// <summary>The repository root (folder holding <c>Neuromorph.slnx</c>), or null when run outside a checkout.</summary>
    public static string? RepositoryRoot => Root.Value;

    /// <summary>The bundled <c>data/</c> folder of the checkout, or null.</summary>
    public static string? BundledDataDirectory => RepositoryRoot is { } r ? Path.Combine(r, "data") : null;

    /// <summary>The per-user cache folder (<c>~/.cache/neuromorph</c>).</summary>
    public static string CacheDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neuromorph");

    /// <summary>Candidate folders for a data set, in search order.</summary>
    public static IEnumerable<string> Candidates(string name)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) yield return Path.Combine(env, name);
        if (BundledDataDirectory is { } b) yield return Path.Combine(b, name);
        yield return Path.Combine(CacheDirectory, name);
    }

    /// <summary>The first candidate folder that exists, or null.</summary>
    public static string? Find(string name) => Candidates(name).FirstOrDefault(Directory.Exists);

    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Neuromorph.slnx")) && Directory.Exists(Path.Combine(d.FullName, "data")))
                    return d.FullName;
        }
        return null;
    }
}
