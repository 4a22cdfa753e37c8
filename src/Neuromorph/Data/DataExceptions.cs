namespace Neuromorph.Data;

/// <summary>
/// A data set is in none of the folders searched. The message names the official download
/// address, the folders searched (in order) and the <see cref="DataPaths.EnvironmentVariable"/> option.
/// </summary>
public sealed class DatasetNotFoundException : FileNotFoundException
{
    /// <summary>The missing data set.</summary>
    public DatasetInfo Dataset { get; }

    /// <summary>The folders that were searched, in order.</summary>
    public IReadOnlyList<string> SearchedFolders { get; }

    /// <summary>Creates the exception for <paramref name="dataset"/> after searching <paramref name="searched"/>.</summary>
    public DatasetNotFoundException(DatasetInfo dataset, IReadOnlyList<string> searched)
        : base(BuildMessage(dataset, searched))
    {
        Dataset = dataset;
        SearchedFolders = searched;
    }

    private static string BuildMessage(DatasetInfo d, IReadOnlyList<string> searched) =>
        $"Data set '{d.Name}' ({d.Title}) was not found. It needs {string.Join(", ", d.RequiredFiles)}.{Environment.NewLine}" +
        $"Download it from {d.DownloadUrl} and put the files in one of these folders (searched in this order):{Environment.NewLine}" +
        string.Concat(searched.Select(s => $"  {s}{Environment.NewLine}")) +
        $"or set {DataPaths.EnvironmentVariable} to a folder that holds '{d.Name}/'. Licence: {d.Licence}.";
}

/// <summary>A data file's SHA-256 differs from the one its manifest lists: the file is corrupted or was replaced.</summary>
public sealed class DataChecksumException : IOException
{
    /// <summary>Full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>Expected SHA-256 (hex), from the manifest.</summary>
    public string Expected { get; }

    /// <summary>Actual SHA-256 (hex) of the file's bytes.</summary>
    public string Actual { get; }

    /// <summary>Creates the exception.</summary>
    public DataChecksumException(string filePath, string expected, string actual, string manifestPath)
        : base($"Checksum mismatch for '{filePath}': expected SHA-256 {expected} (from {manifestPath}), actual {actual}. " +
               "The file is corrupted or was replaced; download it again from the data set's official source.")
    {
        FilePath = filePath;
        Expected = expected;
        Actual = actual;
    }
}
