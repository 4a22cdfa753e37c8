using System.IO.Compression;
using Neuromorph.Data;

namespace Neuromorph.Tests.Data;

/// <summary>Truncated or corrupted copies of real files must fail with a clear error naming the file.</summary>
public sealed class CorruptFileTests : IDisposable
{
    private readonly string _dir = TestData.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static void AssertNamesFile(Exception e, string path) => Assert.Contains(path, e.Message);

    [Fact]
    public void TruncatedGzipIdxFileThrowsNamingTheFile()
    {
        var src = File.ReadAllBytes(Path.Combine(TestData.Bundled("mnist"), "t10k-labels-idx1-ubyte.gz"));
        var p = Write("t10k-labels-idx1-ubyte.gz", src[..(src.Length / 2)]);
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => Idx.Read(p, Idx.LabelsMagic)), p);
    }

    [Fact]
    public void CorruptedGzipIdxFileThrowsNamingTheFile()
    {
        var src = File.ReadAllBytes(Path.Combine(TestData.Bundled("mnist"), "t10k-labels-idx1-ubyte.gz"));
        for (int i = src.Length / 3; i < src.Length / 3 + 64; i++) src[i] ^= 0x5A;
        var p = Write("t10k-labels-idx1-ubyte.gz", src);
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => Idx.Read(p, Idx.LabelsMagic)), p);
    }

    [Fact]
    public void TruncatedRawIdxFilesThrowNamingTheFile()
    {
        var raw = Gunzip(Path.Combine(TestData.Bundled("mnist"), "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal(10_008, raw.Length);
        foreach (var cut in new[] { 0, 3, 6, 10_007 })
        {
            var p = Write($"cut{cut}-labels-idx1-ubyte", raw[..cut]);
            AssertNamesFile(Assert.Throws<InvalidDataException>(() => Idx.Read(p, Idx.LabelsMagic)), p);
        }
        var full = Write("t10k-labels-idx1-ubyte", raw);
        Assert.Equal(10_000, Idx.Read(full, Idx.LabelsMagic).Data.Length);
    }

    [Fact]
    public void WrongMagicOrMismatchedCountsThrow()
    {
        var labels = Gunzip(Path.Combine(TestData.Bundled("mnist"), "t10k-labels-idx1-ubyte.gz"));
        var p = Write("labels-as-images", labels);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(p, Idx.ImagesMagic));
        AssertNamesFile(e, p);
        Assert.Contains("2049", e.Message);

        // An MNIST-format folder whose label file has fewer items than the images.
        var images = Gunzip(Path.Combine(TestData.Bundled("mnist"), "t10k-images-idx3-ubyte.gz"));
        Write("t10k-images-idx3-ubyte", images);
        var shortLabels = labels[..1008];
        shortLabels[7] = 0xE8; shortLabels[6] = 0x03; // count 1000
        var lp = Write("t10k-labels-idx1-ubyte", shortLabels);
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => Mnist.LoadSplit(_dir, "t10k")), lp);

        // A label byte that is not a digit.
        labels[8 + 17] = 200;
        var bad = Write("t10k-labels-idx1-ubyte", labels);
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => Mnist.LoadSplit(_dir, "t10k")), bad);
    }

    [Fact]
    public void GzipIdxWithAHugeClaimedSizeFailsAsTruncated()
    {
        // Header claims 60000 × 28 × 28 images but holds a single one.
        var header = new byte[16 + 784];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, Idx.ImagesMagic);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 60_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(header);
        var p = Write("claims-too-much-idx3-ubyte.gz", ms.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(p, Idx.ImagesMagic));
        AssertNamesFile(e, p);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void MnistLoadsFromAnyFolderOfRawIdxFiles()
    {
        Write("t10k-images-idx3-ubyte", Gunzip(Path.Combine(TestData.Bundled("mnist"), "t10k-images-idx3-ubyte.gz")));
        Write("t10k-labels-idx1-ubyte", Gunzip(Path.Combine(TestData.Bundled("mnist"), "t10k-labels-idx1-ubyte.gz")));
        var test = Mnist.LoadSplit(_dir, "t10k", scaleToUnit: true);
        Assert.Equal(10_000, test.Count);
        Assert.Equal(1f, test.Features.Max());
        var e = Assert.Throws<FileNotFoundException>(() => Mnist.LoadSplit(_dir, "train"));
        Assert.Contains("train-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void TruncatedOrMalformedWavThrowsNamingTheFile()
    {
        var src = File.ReadAllBytes(Path.Combine(TestData.Bundled("fsdd"), "recordings", "3_theo_7.wav"));
        var cases = new Dictionary<string, byte[]>
        {
            ["truncated.wav"] = src[..(src.Length - 100)],
            ["header-only.wav"] = src[..20],
            ["empty.wav"] = [],
        };
        var notRiff = (byte[])src.Clone(); notRiff[0] = (byte)'X'; cases["not-riff.wav"] = notRiff;
        var bigChunk = (byte[])src.Clone(); bigChunk[40] = 0xFF; bigChunk[41] = 0xFF; cases["data-size-overruns.wav"] = bigChunk;
        var badBits = (byte[])src.Clone(); badBits[34] = 12; cases["twelve-bit.wav"] = badBits;
        var noChannels = (byte[])src.Clone(); noChannels[22] = 0; cases["no-channels.wav"] = noChannels;
        foreach (var (name, bytes) in cases)
        {
            var p = Write(name, bytes);
            var e = Assert.Throws<InvalidDataException>(() => Wav.Read(p));
            AssertNamesFile(e, p);
        }
    }

    [Fact]
    public void TruncatedOrCorruptedCsvThrowsNamingTheFile()
    {
        var text = Gunzip(Path.Combine(TestData.Bundled("digits-8x8"), "digits.csv.gz"));
        int cut = Array.IndexOf(text, (byte)'\n', text.Length / 2) + 40;   // cut inside a row
        var p = Write("digits-cut.csv", text[..cut]);
        var e = Assert.Throws<InvalidDataException>(() => Digits8x8.LoadFile(p));
        AssertNamesFile(e, p);

        var gz = File.ReadAllBytes(Path.Combine(TestData.Bundled("digits-8x8"), "digits.csv.gz"));
        var pg = Write("digits-cut.csv.gz", gz[..(gz.Length * 2 / 3)]);
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => Digits8x8.LoadFile(pg)), pg);

        var garbled = (byte[])text.Clone();
        garbled[100] = (byte)'x';
        var px = Write("digits-garbled.csv", garbled);
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => Digits8x8.LoadFile(px)), px);
    }

    [Fact]
    public void TruncatedJapaneseVowelsAndHillenbrandFilesThrowNamingTheFile()
    {
        var jv = File.ReadAllBytes(Path.Combine(TestData.Bundled("japanese-vowels"), "ae.train"));
        var p = Write("ae.train", jv[..(jv.Length - 200)]);
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => JapaneseVowels.LoadFile(p, JapaneseVowels.TrainBlocksPerSpeaker)), p);

        var hv = File.ReadAllBytes(Path.Combine(TestData.Bundled("vowels-hillenbrand"), "vowdata.dat"));
        var ph = Write("vowdata.dat", hv[..(hv.Length - 30)]);
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => HillenbrandVowels.LoadFile(ph)), ph);

        var laser = Write("laser.txt", "12\n13\n1x4\n"u8.ToArray());
        AssertNamesFile(Assert.Throws<InvalidDataException>(() => SantaFeLaser.LoadFile(laser)), laser);
    }
}
