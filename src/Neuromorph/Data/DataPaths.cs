using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Neuromorph.Data;

/// <summary>
/// Where data sets are looked for, in order: <c>$NEUROMORPH_DATA/&lt;name&gt;</c>, the repository's
/// bundled <c>data/&lt;name&gt;</c>, then <c>~/.cache/neuromorph/&lt;name&gt;</c>; and SHA-256
/// verification of files against the <c>MANIFEST.sha256</c> that sits in the data root above them.
/// </summary>
/// <remarks>
/// A manifest lists <c>&lt;hex sha256&gt;  ./&lt;name&gt;/&lt;file&gt;</c> lines (the output of
/// <c>sha256sum</c>, paths relative to the data root). A file whose data root has a manifest that
/// lists it is hashed once per process (keyed by full path, length and last-write time) and
/// compared; a mismatch throws <see cref="DataChecksumException"/>. Files not listed (user data
/// passed by path) are not checked.
/// </remarks>
public static class DataPaths
{
    /// <summary>Environment variable that points at a folder of data sets.</summary>
    public const string EnvironmentVariable = "NEUROMORPH_DATA";

    /// <summary>File name of the checksum manifest in a data root.</summary>
    public const string ManifestFileName = "MANIFEST.sha256";

    private static readonly Lazy<string?> Root = new(FindRepositoryRoot);
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>?> Manifests = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Verified = new();

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

    /// <summary>
    /// The first candidate folder of <paramref name="dataset"/> that holds all of its
    /// <see cref="DatasetInfo.RequiredFiles"/> (a file also counts when present gzip-compressed as
    /// <c>&lt;file&gt;.gz</c>); otherwise throws <see cref="DatasetNotFoundException"/>
    /// naming the official download address and the folders searched.
    /// </summary>
    public static string Require(DatasetInfo dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var candidates = Candidates(dataset.Name).ToArray();
        foreach (var c in candidates)
            if (Directory.Exists(c) && dataset.RequiredFiles.All(f => Present(Path.Combine(c, f))))
                return c;
        throw new DatasetNotFoundException(dataset, candidates);
    }

    private static bool Present(string path) => File.Exists(path) || File.Exists(path + ".gz") || Directory.Exists(path);

    /// <summary>
    /// Verifies <paramref name="path"/> against the manifest of the data root above it (the parent of
    /// its data-set folder, or any ancestor holding <see cref="ManifestFileName"/>). Returns true when
    /// the file is listed and matches, false when no manifest lists it; throws
    /// <see cref="DataChecksumException"/> on a mismatch. Each file is hashed at most once per process
    /// unless it changes.
    /// </summary>
    public static bool Verify(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists) throw new FileNotFoundException($"data file '{full}' does not exist", full);
        if (!TryExpectedHash(full, out var expected, out var manifest)) return false;
        var key = (full, info.Length, info.LastWriteTimeUtc);
        if (Verified.TryGetValue(key, out var known) && known == expected) return true;
        var actual = Sha256Hex(full);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            throw new DataChecksumException(full, expected, actual, manifest);
        Verified[key] = expected;
        return true;
    }

    /// <summary>Lower-case hexadecimal SHA-256 of a file's bytes.</summary>
    public static string Sha256Hex(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Looks up the manifest entry for a file: walks up from the file's folder to the first folder
    /// holding <see cref="ManifestFileName"/> and reads the entry for the relative path.
    /// </summary>
    public static bool TryExpectedHash(string path, out string expected, out string manifestPath)
    {
        expected = ""; manifestPath = "";
        var full = Path.GetFullPath(path);
        for (var dir = Path.GetDirectoryName(full); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            var m = Path.Combine(dir, ManifestFileName);
            var entries = Manifests.GetOrAdd(m, LoadManifest);
            if (entries is null) continue;
            manifestPath = m;
            var rel = Path.GetRelativePath(dir, full).Replace('\\', '/');
            if (entries.TryGetValue(rel, out var e)) { expected = e; return true; }
            return false;
        }
        return false;
    }

    private static IReadOnlyDictionary<string, string>? LoadManifest(string manifestPath)
    {
        if (!File.Exists(manifestPath)) return null;
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var raw in File.ReadLines(manifestPath))
        {
            lineNo++;
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0 || line[0] == '#') continue;
            int sp = line.IndexOf(' ');
            if (sp != 64 || line.Length < 67)
                throw new InvalidDataException($"{manifestPath}:{lineNo}: expected '<64 hex digits>  <path>', got '{line}'");
            var hash = line[..64];
            foreach (char ch in hash)
                if (!char.IsAsciiHexDigit(ch))
                    throw new InvalidDataException($"{manifestPath}:{lineNo}: '{hash}' is not a hexadecimal SHA-256");
            var rel = line[(sp + 1)..].TrimStart(' ', '*');
            if (rel.StartsWith("./", StringComparison.Ordinal)) rel = rel[2..];
            map[rel] = hash.ToLowerInvariant();
        }
        return map;
    }

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
