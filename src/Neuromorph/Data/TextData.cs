using System.Globalization;
using System.IO.Compression;

namespace Neuromorph.Data;

/// <summary>
/// Line-oriented reading of text data files (raw or gzip, detected by magic bytes) with errors that
/// name the file and line. Used by the CSV and whitespace-separated loaders.
/// </summary>
internal static class TextData
{
    /// <summary>Calls <paramref name="onLine"/> with (1-based line number, line) for every line; wraps decompression failures.</summary>
    public static void ForEachLine(string path, Action<int, string> onLine)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"data file '{path}' does not exist", path);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            bool gz = file.Length >= 2 && file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
            file.Position = 0;
            using Stream s = gz ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var reader = new StreamReader(s, System.Text.Encoding.Latin1, detectEncodingFromByteOrderMarks: false);
            int lineNo = 0;
            string? line;
            while ((line = reader.ReadLine()) != null) onLine(++lineNo, line);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}' is corrupted (gzip stream): {e.Message}", e);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"'{path}' could not be read: {e.Message}", e);
        }
    }

    /// <summary>Splits on any of the separators, dropping empty fields (whitespace runs, trailing CR).</summary>
    public static string[] Fields(string line, params char[] separators) =>
        line.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static readonly char[] Whitespace = [' ', '\t', '\r', '\f', '\v'];

    public static int ParseInt(string field, string path, int line, string what)
    {
        if (!int.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new InvalidDataException($"{path}:{line}: {what} '{field}' is not an integer");
        return v;
    }

    public static double ParseDouble(string field, string path, int line, string what)
    {
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new InvalidDataException($"{path}:{line}: {what} '{field}' is not a finite number");
        return v;
    }
}
