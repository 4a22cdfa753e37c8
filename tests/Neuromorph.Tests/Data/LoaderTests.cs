using Neuromorph.Data;

namespace Neuromorph.Tests.Data;

public class MnistTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void BundledSplitsHaveTheOfficialShapesAndLabelCounts()
    {
        var (train, test) = (mnist.Data.Train, mnist.Data.Test);
        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        Assert.Equal(784, train.FeatureCount);
        Assert.Equal([28, 28], train.SampleShape);
        Assert.Equal(60_000 * 784, train.Features.Length);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], test.LabelHistogram());
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], train.LabelHistogram());
        Assert.Equal(0f, test.Features.Min());
        Assert.Equal(255f, test.Features.Max());
        // The first test image is a 7 (LeCun's t10k ordering).
        Assert.Equal(7, test.Labels[0]);
        Assert.Equal(5, train.Labels[0]);
    }

    [Fact]
    public void ScalingMapsPixelsToUnitInterval()
    {
        var scaled = mnist.Data.Test.Scaled(1f / 255f);
        Assert.Equal(1f, scaled.Features.Max());
        Assert.Equal(mnist.Data.Test.Features[200] / 255f, scaled.Features[200]);
    }

    [Fact]
    public void BundledFilesMatchTheManifest()
    {
        foreach (var f in Directory.GetFiles(TestData.Bundled("mnist")))
            Assert.True(DataPaths.Verify(f), $"{f} is not listed in MANIFEST.sha256");
    }
}

public class SmallDatasetTests
{
    [Fact]
    public void Digits8x8Has1797RowsOf64PixelsAndTenClasses()
    {
        var d = Digits8x8.Load();
        Assert.Equal(1797, d.Count);
        Assert.Equal(64, d.FeatureCount);
        Assert.Equal(10, d.ClassCount);
        Assert.Equal([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], d.LabelHistogram());
        Assert.Equal(16f, d.Features.Max());
        Assert.Equal(0f, d.Features.Min());
        Assert.Equal(1f, Digits8x8.Load(scaleToUnit: true).Features.Max());
    }

    [Fact]
    public void SantaFeLaserHas10093IntegerSamples()
    {
        var x = SantaFeLaser.Load();
        Assert.Equal(10_093, x.Length);
        Assert.Equal([86f, 141f, 95f, 41f, 22f], x[..5]);
        Assert.All(x, v => Assert.True(v >= 0 && v <= 255 && v == MathF.Round(v)));
    }

    [Fact]
    public void HillenbrandHas1668TokensOf12VowelsWithUnmeasurableAsNaN()
    {
        var h = HillenbrandVowels.Load();
        Assert.Equal(1668, h.Count);
        var perVowel = new int[12];
        foreach (var v in h.Vowels) perVowel[v]++;
        Assert.All(perVowel, c => Assert.Equal(139, c));
        var perGroup = new int[4];
        foreach (var g in h.Groups) perGroup[g]++;
        Assert.Equal([540, 576, 324, 228], perGroup);              // men, women, boys, girls
        Assert.Equal("m01ae", h.Names[0]);
        Assert.Equal(0.323f, h.Durations[0], 6);
        Assert.Equal([174f, 663f, 2012f, 2659f, 3691f], h.Row(0)[..5].ToArray());
        int f4Missing = 0;
        for (int i = 0; i < h.Count; i++) if (float.IsNaN(h.Row(i)[4])) f4Missing++;
        Assert.Equal(243, f4Missing);                               // zeros in column 7 of vowdata.dat
        var set = h.ToLabeledSet(1, 2);
        Assert.Equal(12, set.ClassCount);
        Assert.All(set.Features, v => Assert.False(float.IsNaN(v)));
        Assert.Equal(1668 - 10, set.Count);                         // F2 (column 5) is 0 for ten tokens, F1 never
    }

    [Fact]
    public void JapaneseVowelsBlockCountsPerSpeakerMatchUci()
    {
        var jv = JapaneseVowels.Load();
        Assert.Equal(270, jv.Train.Count);
        Assert.Equal(370, jv.Test.Count);
        Assert.Equal(Enumerable.Repeat(30, 9), jv.Train.LabelHistogram());
        Assert.Equal([31, 35, 88, 44, 29, 24, 40, 50, 29], jv.Test.LabelHistogram());
        Assert.Equal(12, jv.Train.FeatureCount);
        for (int i = 0; i < jv.Train.Count; i++) Assert.InRange(jv.Train.Length(i), 7, 29);
        for (int i = 0; i < jv.Test.Count; i++) Assert.InRange(jv.Test.Length(i), 7, 29);
        Assert.Equal(1.860936f, jv.Train.Sequence(0)[0]);
        Assert.Equal(1.635533f, jv.Test.Sequence(0)[0]);
        // No separator row leaked into the frames.
        for (int f = 0; f < jv.Test.Frames.Length / 12; f++)
            Assert.False(jv.Test.Frames.AsSpan(f * 12, 12).IndexOfAnyExcept(1f) < 0, $"frame {f} is a separator row");
    }

    [Fact]
    public void FsddHas3000RecordingsOfSixSpeakersAt8kHzWithTheStandardSplit()
    {
        var d = Fsdd.Load();
        Assert.Equal(2700, d.Train.Count);
        Assert.Equal(300, d.Test.Count);
        Assert.Equal(6, d.Train.SpeakerNames.Count);
        Assert.Equal(8000, d.Train.SampleRate);
        Assert.All(d.Train.Audio.LabelHistogram(), c => Assert.Equal(270, c));
        Assert.All(d.Test.Audio.LabelHistogram(), c => Assert.Equal(30, c));
        Assert.All(d.Test.Repetitions, r => Assert.InRange(r, 0, 4));
        Assert.All(d.Train.Repetitions, r => Assert.InRange(r, 5, 49));
        for (int i = 0; i < d.Train.Count; i++) Assert.True(d.Train.Audio.Length(i) > 0);
        var perSpeaker = new int[6];
        foreach (var s in d.Test.Speakers) perSpeaker[s]++;
        Assert.All(perSpeaker, c => Assert.Equal(50, c));
        Assert.InRange(d.Train.Audio.Frames.Max(), 0.01f, 1f);
        Assert.InRange(d.Train.Audio.Frames.Min(), -1f, -0.01f);
    }

    [Fact]
    public void EveryFsddFileIs8kHzMonoWithSamples()
    {
        var files = Directory.GetFiles(Path.Combine(TestData.Bundled("fsdd"), "recordings"), "*.wav");
        Assert.Equal(3000, files.Length);
        foreach (var f in files)
        {
            var wav = Wav.Read(f);
            Assert.Equal(8000, wav.SampleRate);
            Assert.Equal(1, wav.Format.Channels);
            Assert.Equal(16, wav.Format.BitsPerSample);
            Assert.True(wav.Samples.Length > 0, f);
            Assert.Equal(wav.Format.FrameCount, wav.Samples.Length);
        }
    }
}

public class DataPathsTests
{
    [Fact]
    public void MissingDatasetNamesTheDownloadAddressAndTheFoldersSearched()
    {
        var info = new DatasetInfo("no-such-dataset-3f9a", "A data set nobody has", "https://example.org/official", ["x.bin"], "none");
        var e = Assert.Throws<DatasetNotFoundException>(() => DataPaths.Require(info));
        Assert.Contains("https://example.org/official", e.Message);
        Assert.Contains(DataPaths.EnvironmentVariable, e.Message);
        Assert.Contains(Path.Combine(DataPaths.CacheDirectory, "no-such-dataset-3f9a"), e.Message);
        Assert.Equal(DataPaths.Candidates(info.Name), e.SearchedFolders);
    }

    [Fact]
    public void BundledDatasetsAreFoundAndEveryKnownDatasetHasAnOfficialUrl()
    {
        bool overridden = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DataPaths.EnvironmentVariable));
        foreach (var d in Datasets.All)
        {
            Assert.StartsWith("https://", d.DownloadUrl);
            var found = DataPaths.Require(d);
            Assert.True(Directory.Exists(found));
            // With NEUROMORPH_DATA set, a user copy may legitimately come first.
            if (!overridden) Assert.Equal(Path.GetFullPath(TestData.Bundled(d.Name)), Path.GetFullPath(found));
        }
    }

    [Fact]
    public void WrongChecksumNamesTheFileAndBothHashes()
    {
        var root = TestData.NewTempDirectory();
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "toy"));
            var file = Path.Combine(root, "toy", "values.txt");
            File.WriteAllText(file, "1\n2\n3\n");
            var good = DataPaths.Sha256Hex(file);
            File.WriteAllText(Path.Combine(root, DataPaths.ManifestFileName), $"{good}  ./toy/values.txt\n");
            Assert.True(DataPaths.Verify(file));
            File.WriteAllText(file, "1\n2\n4\n");
            var bad = DataPaths.Sha256Hex(file);
            var e = Assert.Throws<DataChecksumException>(() => DataPaths.Verify(file));
            Assert.Contains(file, e.Message);
            Assert.Contains(good, e.Message);
            Assert.Contains(bad, e.Message);
            Assert.Equal(good, e.Expected);
            Assert.Equal(bad, e.Actual);
            // The loaders verify too: a listed file with the wrong bytes never parses.
            Assert.Throws<DataChecksumException>(() => SantaFeLaser.LoadFile(file));
            // A file no manifest lists is not checked.
            var other = Path.Combine(root, "toy", "other.txt");
            File.WriteAllText(other, "5\n");
            Assert.False(DataPaths.Verify(other));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
