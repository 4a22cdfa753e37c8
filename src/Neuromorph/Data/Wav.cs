using System.Buffers.Binary;

namespace Neuromorph.Data;

/// <summary>The format of a WAV file's <c>fmt </c> chunk and the size of its data.</summary>
/// <param name="SampleRate">Samples per second per channel, Hz.</param>
/// <param name="Channels">Interleaved channels.</param>
/// <param name="BitsPerSample">Container bits per sample (8, 16, 24 or 32).</param>
/// <param name="IsFloat">True for IEEE float samples (format 3), false for integer PCM (format 1).</param>
/// <param name="FrameCount">Samples per channel in the data chunk.</param>
public readonly record struct WavFormat(int SampleRate, int Channels, int BitsPerSample, bool IsFloat, int FrameCount)
{
    /// <summary>Duration of the data, seconds.</summary>
    public double Duration => (double)FrameCount / SampleRate;
}

/// <summary>A decoded recording, mixed to mono, samples in [−1, 1].</summary>
/// <param name="Samples">Mono samples (mean of the channels), full scale = 1.</param>
/// <param name="Format">The file's format.</param>
public sealed record WavAudio(float[] Samples, WavFormat Format)
{
    /// <summary>Sample rate, Hz.</summary>
    public int SampleRate => Format.SampleRate;
}

/// <summary>
/// Reader of RIFF/WAVE files (Microsoft/IBM 1991, "Multimedia Programming Interface and Data
/// Specifications 1.0"; WAVE_FORMAT_EXTENSIBLE per Microsoft's WAVEFORMATEXTENSIBLE): integer PCM of
/// 8 (unsigned, offset 128), 16, 24 or 32 bits (signed little-endian) and 32-bit IEEE float, any
/// number of channels (mixed to mono by averaging). Chunks other than <c>fmt </c> and <c>data</c> are
/// skipped (with their pad byte). Every size field is checked against the file; a malformed header
/// throws <see cref="InvalidDataException"/> naming the file.
/// </summary>
/// <remarks>
/// Integer samples are scaled to [−1, 1) by 1/2^(bits−1) (8-bit: (v − 128)/128). A data chunk whose
/// declared size overruns the file is an error (truncated file), not silently shortened.
/// </remarks>
public static class Wav
{
    private const int FormatPcm = 1, FormatFloat = 3, FormatExtensible = 0xFFFE;

    /// <summary>Reads and decodes <paramref name="path"/>.</summary>
    public static WavAudio Read(string path)
    {
        var bytes = ReadAll(path);
        var (fmt, dataOffset) = Parse(bytes, path);
        var samples = new float[fmt.FrameCount];
        Decode(bytes.AsSpan(dataOffset, fmt.FrameCount * fmt.Channels * (fmt.BitsPerSample / 8)), fmt, samples);
        return new WavAudio(samples, fmt);
    }

    /// <summary>Reads only the header of <paramref name="path"/> (all chunk headers are still validated).</summary>
    public static WavFormat ReadFormat(string path) => Parse(ReadAll(path), path).Format;

    /// <summary>
    /// Parses a complete RIFF/WAVE image in memory: returns the format and the byte offset of the
    /// sample data. <paramref name="name"/> is used in error messages.
    /// </summary>
    public static (WavFormat Format, int DataOffset) Parse(ReadOnlySpan<byte> b, string name)
    {
        if (b.Length < 12) throw Bad(name, $"is {b.Length} bytes long, too short for a RIFF header (12 bytes)");
        if (!b[..4].SequenceEqual("RIFF"u8)) throw Bad(name, $"does not start with 'RIFF' (found {Tag(b[..4])}); not a WAV file");
        if (!b.Slice(8, 4).SequenceEqual("WAVE"u8)) throw Bad(name, $"is a RIFF file of type {Tag(b.Slice(8, 4))}, not 'WAVE'");
        long riffSize = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        if (riffSize < 4) throw Bad(name, $"RIFF size {riffSize} is too small");
        if (riffSize + 8 > b.Length) throw Bad(name, $"RIFF header declares {riffSize + 8} bytes, file has {b.Length} (truncated)");
        int end = (int)(riffSize + 8);

        int pos = 12;
        int format = -1, channels = 0, rate = 0, bits = 0, blockAlign = 0;
        bool haveFmt = false;
        while (pos + 8 <= end)
        {
            var id = b.Slice(pos, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(b[(pos + 4)..]);
            int body = pos + 8;
            if (body + size > end)
                throw Bad(name, $"chunk {Tag(id)} at byte {pos} declares {size} bytes but only {end - body} remain (truncated or corrupted)");
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16) throw Bad(name, $"'fmt ' chunk is {size} bytes, needs at least 16");
                var f = b.Slice(body, (int)size);
                format = BinaryPrimitives.ReadUInt16LittleEndian(f);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(f[2..]);
                rate = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(f[4..]));
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(f[12..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(f[14..]);
                if (format == FormatExtensible)
                {
                    if (size < 40) throw Bad(name, $"WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is {size} bytes, needs 40");
                    format = BinaryPrimitives.ReadUInt16LittleEndian(f[24..]); // first two bytes of the sub-format GUID
                }
                haveFmt = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFmt) throw Bad(name, "'data' chunk comes before the 'fmt ' chunk");
                var fmt = Validate(name, format, channels, rate, bits, blockAlign);
                if (size % blockAlign != 0)
                    throw Bad(name, $"'data' chunk of {size} bytes is not a whole number of {blockAlign}-byte frames (corrupted)");
                long frames = size / blockAlign;
                if (frames > Array.MaxLength) throw Bad(name, $"'data' chunk holds {frames} frames, more than an array can hold");
                return (fmt with { FrameCount = (int)frames }, body);
            }
            pos = body + (int)size + (int)(size & 1); // chunks are padded to even length
        }
        throw Bad(name, haveFmt ? "has no 'data' chunk" : "has no 'fmt ' chunk");
    }

    private static WavFormat Validate(string name, int format, int channels, int rate, int bits, int blockAlign)
    {
        if (format != FormatPcm && format != FormatFloat)
            throw Bad(name, $"uses format tag {format}; supported are 1 (integer PCM) and 3 (IEEE float)");
        if (channels < 1) throw Bad(name, $"declares {channels} channels");
        if (rate < 1) throw Bad(name, $"declares a sample rate of {rate} Hz");
        if (format == FormatPcm && bits is not (8 or 16 or 24 or 32))
            throw Bad(name, $"has {bits}-bit integer PCM; supported are 8, 16, 24 and 32 bits");
        if (format == FormatFloat && bits != 32)
            throw Bad(name, $"has {bits}-bit float samples; only 32-bit float is supported");
        if (blockAlign != channels * bits / 8)
            throw Bad(name, $"block align {blockAlign} ≠ channels ({channels}) × bytes per sample ({bits / 8})");
        return new WavFormat(rate, channels, bits, format == FormatFloat, 0);
    }

    /// <summary>Decodes interleaved samples in <paramref name="data"/> to mono floats in [−1, 1].</summary>
    public static void Decode(ReadOnlySpan<byte> data, WavFormat fmt, Span<float> mono)
    {
        int ch = fmt.Channels, bps = fmt.BitsPerSample / 8, n = fmt.FrameCount;
        if (data.Length < n * ch * bps) throw new ArgumentException($"data holds {data.Length} bytes, {n} frames need {n * ch * bps}");
        if (mono.Length < n) throw new ArgumentException($"output holds {mono.Length} samples, {n} needed");
        float mix = 1f / ch;
        for (int i = 0; i < n; i++)
        {
            float acc = 0;
            int o = i * ch * bps;
            for (int c = 0; c < ch; c++, o += bps)
            {
                acc += (bps, fmt.IsFloat) switch
                {
                    (1, _) => (data[o] - 128) * (1f / 128f),
                    (2, _) => BinaryPrimitives.ReadInt16LittleEndian(data[o..]) * (1f / 32768f),
                    (3, _) => ((data[o] | (data[o + 1] << 8) | ((sbyte)data[o + 2] << 16))) * (1f / 8388608f),
                    (4, false) => (float)(BinaryPrimitives.ReadInt32LittleEndian(data[o..]) * (1.0 / 2147483648.0)),
                    _ => BinaryPrimitives.ReadSingleLittleEndian(data[o..]),
                };
            }
            mono[i] = acc * mix;
        }
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"WAV file '{path}' does not exist", path);
        try { return File.ReadAllBytes(path); }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"WAV file '{path}' could not be read: {e.Message}", e);
        }
    }

    private static string Tag(ReadOnlySpan<byte> four)
    {
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++) c[i] = four[i] is >= 32 and < 127 ? (char)four[i] : '?';
        return $"'{new string(c)}'";
    }

    private static InvalidDataException Bad(string name, string what) => new($"WAV file '{name}' {what}");
}
