using System.Buffers.Binary;
using System.IO.Compression;

namespace Neuromorph.Data;

/// <summary>An idx file's unsigned-byte payload and its dimensions (LeCun et al., MNIST file format).</summary>
/// <param name="Magic">The magic number (2051 for images, 2049 for labels).</param>
/// <param name="Dimensions">Sizes of each dimension, outermost first.</param>
/// <param name="Data">The payload, row-major, one byte per element.</param>
public sealed record IdxFile(int Magic, int[] Dimensions, byte[] Data);

/// <summary>
/// Reader of the idx format used by MNIST: a big-endian 32-bit magic number <c>0x0000TTNN</c> (type
/// <c>TT</c> = 0x08 for unsigned bytes, <c>NN</c> dimensions), then <c>NN</c> big-endian 32-bit sizes,
/// then the data. Files may be raw or gzip-compressed (detected by the gzip magic bytes 1F 8B).
/// </summary>
public static class Idx
{
    /// <summary>Magic number of an unsigned-byte, 3-dimensional idx file (images).</summary>
    public const int ImagesMagic = 2051;

    /// <summary>Magic number of an unsigned-byte, 1-dimensional idx file (labels).</summary>
    public const int LabelsMagic = 2049;

    /// <summary>
    /// Reads <paramref name="path"/>, checking the magic number equals <paramref name="expectedMagic"/>,
    /// that every dimension is positive, that the payload holds exactly the product of the
    /// dimensions, and nothing follows it. Any failure (truncation, corrupt gzip stream, wrong
    /// magic) throws <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static IdxFile Read(string path, int expectedMagic)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"idx file '{path}' does not exist", path);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            bool gz = file.Length >= 2 && file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
            file.Position = 0;
            using Stream s = gz ? new GZipStream(file, CompressionMode.Decompress) : file;

            Span<byte> word = stackalloc byte[4];
            ReadExactly(s, word, path, "the magic number");
            int magic = BinaryPrimitives.ReadInt32BigEndian(word);
            if (magic != expectedMagic)
                throw new InvalidDataException($"'{path}' is not the expected idx file: magic number {magic} (0x{magic:X8}), expected {expectedMagic} (0x{expectedMagic:X8})" +
                    (magic == ImagesMagic || magic == LabelsMagic ? " — images and labels files swapped?" : ""));
            int ndims = magic & 0xFF;
            var dims = new int[ndims];
            long total = 1;
            for (int d = 0; d < ndims; d++)
            {
                ReadExactly(s, word, path, $"dimension {d}");
                dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
                if (dims[d] <= 0) throw new InvalidDataException($"'{path}': dimension {d} is {dims[d]}, must be positive");
                total *= dims[d];
                if (total > Array.MaxLength) throw new InvalidDataException($"'{path}': dimensions [{string.Join(", ", dims[..(d + 1)])}] exceed the largest array");
            }
            if (!gz && file.Length - file.Position != total)
                throw new InvalidDataException($"'{path}': header promises {total} bytes of data for dimensions [{string.Join(", ", dims)}], file holds {file.Length - file.Position} (truncated or corrupted)");
            // Grow the buffer as bytes arrive, so a corrupted header that claims gigabytes fails on
            // truncation instead of allocating what it claims.
            var data = new byte[Math.Min(total, 1 << 24)];
            int got = 0;
            while (got < total)
            {
                if (got == data.Length) Array.Resize(ref data, (int)Math.Min(total, 2L * data.Length));
                int n = s.Read(data, got, data.Length - got);
                if (n == 0)
                    throw new InvalidDataException($"'{path}' is truncated: header promises {total} data bytes for dimensions [{string.Join(", ", dims)}], stream ended after {got}");
                got += n;
            }
            if (s.ReadByte() != -1)
                throw new InvalidDataException($"'{path}': data continue past the {total} bytes its header declares (corrupted file)");
            return new IdxFile(magic, dims, data);
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

    private static void ReadExactly(Stream s, Span<byte> buffer, string path, string what)
    {
        int got = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (got < buffer.Length)
            throw new InvalidDataException($"'{path}' is truncated: ended after {got} of the {buffer.Length} bytes of {what}");
    }
}
