using System.Buffers.Binary;
using Neuromorph.Data;

namespace Neuromorph.Tests.Data;

/// <summary>The WAV reader on synthetic files of every supported sample format.</summary>
public sealed class WavFormatTests
{
    /// <summary>Builds a RIFF/WAVE image: fmt (optionally extensible), an unknown odd-sized chunk, then data.</summary>
    private static byte[] Build(int format, int channels, int rate, int bits, byte[] data, bool extensible = false, bool extraChunk = true)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8); w.Write(0); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(extensible ? 40 : 16);
        w.Write((short)(extensible ? 0xFFFE : format)); w.Write((short)channels); w.Write(rate);
        w.Write(rate * channels * bits / 8); w.Write((short)(channels * bits / 8)); w.Write((short)bits);
        if (extensible)
        {
            w.Write((short)22); w.Write((short)bits); w.Write(0);
            w.Write((short)format); w.Write(new byte[14]);       // sub-format GUID: tag then the fixed tail
        }
        if (extraChunk) { w.Write("LIST"u8); w.Write(3); w.Write(new byte[] { 1, 2, 3, 0 }); }   // odd size + pad byte
        w.Write("data"u8); w.Write(data.Length); w.Write(data);
        w.Flush();
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }

    [Fact]
    public void DecodesEveryIntegerWidthAndFloatToTheSameScale()
    {
        // Two frames, stereo: (full-scale positive, half negative), (zero, zero).
        var cases = new (int Format, int Bits, byte[] Data)[]
        {
            (1, 8, [255, 64, 128, 128]),
            (1, 16, [0xFF, 0x7F, 0x00, 0xC0, 0, 0, 0, 0]),
            (1, 24, [0xFF, 0xFF, 0x7F, 0x00, 0x00, 0xC0, 0, 0, 0, 0, 0, 0]),
            (1, 32, [0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x00, 0xC0, 0, 0, 0, 0, 0, 0, 0, 0]),
            (3, 32, [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(-0.5f), .. BitConverter.GetBytes(0f), .. BitConverter.GetBytes(0f)]),
        };
        foreach (var (format, bits, data) in cases)
            foreach (var ext in new[] { false, true })
            {
                var bytes = Build(format, 2, 22050, bits, data, extensible: ext);
                var (fmt, offset) = Wav.Parse(bytes, "synthetic");
                Assert.Equal((22050, 2, bits, format == 3, 2), (fmt.SampleRate, fmt.Channels, fmt.BitsPerSample, fmt.IsFloat, fmt.FrameCount));
                var mono = new float[2];
                Wav.Decode(bytes.AsSpan(offset), fmt, mono);
                Assert.Equal(0.25f, mono[0], 2);   // (≈1 + −0.5)/2
                Assert.Equal(0f, mono[1]);
            }
    }

    [Fact]
    public void MalformedHeadersAreRejectedWithTheirReason()
    {
        var good = Build(1, 1, 8000, 16, new byte[8]);
        Assert.Equal(4, Wav.Parse(good, "ok").Format.FrameCount);

        var noData = Build(1, 1, 8000, 16, [], extraChunk: false)[..^8];
        BinaryPrimitives.WriteInt32LittleEndian(noData.AsSpan(4), noData.Length - 8);
        Assert.Contains("no 'data' chunk", Assert.Throws<InvalidDataException>(() => Wav.Parse(noData, "x.wav")).Message);

        var alaw = Build(6, 1, 8000, 8, new byte[4]);
        Assert.Contains("format tag 6", Assert.Throws<InvalidDataException>(() => Wav.Parse(alaw, "x.wav")).Message);

        var oddData = Build(1, 2, 8000, 16, new byte[6]);
        Assert.Contains("whole number", Assert.Throws<InvalidDataException>(() => Wav.Parse(oddData, "x.wav")).Message);

        var badAlign = Build(1, 2, 8000, 16, new byte[8]);
        badAlign[32] = 3;
        Assert.Contains("block align", Assert.Throws<InvalidDataException>(() => Wav.Parse(badAlign, "x.wav")).Message);

        var riffTooLong = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(riffTooLong.AsSpan(4), good.Length);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Wav.Parse(riffTooLong, "x.wav")).Message);
    }
}
