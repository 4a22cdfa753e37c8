using System.Text;

namespace Neuromorph.Storage;

/// <summary>
/// Atomic file writes (DESIGN.md principle 7): content goes to a temporary file in the same
/// folder, is flushed to disk, then renamed over the target. A crash or exception mid-write
/// leaves the previous file intact and no partial file under the target name.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes through a stream callback; the target appears only if <paramref name="write"/> completes.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { var b = new UTF8Encoding(false).GetBytes(text); s.Write(b, 0, b.Length); });

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy, 0, copy.Length));
    }
}
