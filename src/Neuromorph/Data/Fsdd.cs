using System.Globalization;

namespace Neuromorph.Data;

/// <summary>
/// One split of the Free Spoken Digit Dataset in structure-of-arrays form: all recordings
/// concatenated in <see cref="Audio"/> (a <see cref="SequenceSet"/> with one value per frame, label =
/// spoken digit), plus per-recording speaker and repetition index.
/// </summary>
public sealed class FsddSplit
{
    /// <summary>Mono samples in [−1, 1] of every recording, CSR by recording; labels are the digits 0–9.</summary>
    public SequenceSet Audio { get; }

    /// <summary>Speaker per recording, index into <see cref="SpeakerNames"/>.</summary>
    public int[] Speakers { get; }

    /// <summary>Repetition index per recording (0–49 in FSDD).</summary>
    public int[] Repetitions { get; }

    /// <summary>Speaker names, sorted ordinally (shared by the train and test splits).</summary>
    public IReadOnlyList<string> SpeakerNames { get; }

    /// <summary>Sample rate shared by all recordings, Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Number of recordings.</summary>
    public int Count => Audio.Count;

    /// <summary>Digit spoken in each recording.</summary>
    public int[] Digits => Audio.Labels;

    /// <summary>Samples of recording <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Recording(int index) => Audio.Sequence(index);

    internal FsddSplit(SequenceSet audio, int[] speakers, int[] repetitions, IReadOnlyList<string> speakerNames, int sampleRate)
    {
        Audio = audio; Speakers = speakers; Repetitions = repetitions; SpeakerNames = speakerNames; SampleRate = sampleRate;
    }
}

/// <summary>The FSDD training and test splits.</summary>
/// <param name="Train">Repetitions 5–49 (2,700 recordings in the 6-speaker release).</param>
/// <param name="Test">Repetitions 0–4 (300 recordings).</param>
public sealed record FsddData(FsddSplit Train, FsddSplit Test);

/// <summary>
/// Free Spoken Digit Dataset (Jakobovski et al., github.com/Jakobovski/free-spoken-digit-dataset):
/// 8 kHz mono WAV recordings named <c>{digit}_{speaker}_{index}.wav</c>. The dataset's standard
/// split puts repetitions 0–4 in the test set and 5–49 in the training set.
/// </summary>
public static class Fsdd
{
    /// <summary>Sample rate of the recordings, Hz.</summary>
    public const int SampleRate = 8000;

    /// <summary>Repetitions with an index below this are test recordings.</summary>
    public const int FirstTrainRepetition = 5;

    /// <summary>Loads the bundled recordings (see <see cref="DataPaths"/>), checksum-verified.</summary>
    public static FsddData Load() => Load(DataPaths.Require(Datasets.Fsdd));

    /// <summary>
    /// Loads every <c>{digit}_{speaker}_{index}.wav</c> under <paramref name="directory"/> (the data-set
    /// folder holding <c>recordings/</c>, or the recordings folder itself). Files are ordered by
    /// (speaker, digit, index). All recordings must share one sample rate. Files listed in a data
    /// manifest are checksum-verified.
    /// </summary>
    public static FsddData Load(string directory)
    {
        var dir = Directory.Exists(Path.Combine(directory, "recordings")) ? Path.Combine(directory, "recordings") : directory;
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"FSDD folder '{directory}' does not exist; download the recordings from {Datasets.Fsdd.DownloadUrl}");
        var entries = new List<(string Path, int Digit, string Speaker, int Index)>();
        foreach (var p in Directory.EnumerateFiles(dir, "*.wav"))
            if (TryParseName(Path.GetFileName(p), out var d, out var s, out var i)) entries.Add((p, d, s, i));
        if (entries.Count == 0)
            throw new InvalidDataException($"'{dir}' holds no files named {{digit}}_{{speaker}}_{{index}}.wav; download FSDD from {Datasets.Fsdd.DownloadUrl}");
        entries.Sort((a, b) =>
        {
            int c = string.CompareOrdinal(a.Speaker, b.Speaker);
            if (c == 0) c = a.Digit.CompareTo(b.Digit);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        var speakerNames = entries.Select(e => e.Speaker).Distinct().Order(StringComparer.Ordinal).ToArray();
        var test = entries.Where(e => e.Index < FirstTrainRepetition).ToList();
        var train = entries.Where(e => e.Index >= FirstTrainRepetition).ToList();
        int rate = 0;
        return new FsddData(Build(train, speakerNames, ref rate), Build(test, speakerNames, ref rate));
    }

    /// <summary>Parses a file name <c>{digit}_{speaker}_{index}.wav</c>; false when it does not match.</summary>
    public static bool TryParseName(string fileName, out int digit, out string speaker, out int index)
    {
        digit = -1; speaker = ""; index = -1;
        if (!fileName.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)) return false;
        var parts = fileName[..^4].Split('_');
        if (parts.Length != 3 || parts[1].Length == 0) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out digit) || digit > 9) return false;
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out index)) return false;
        speaker = parts[1];
        return true;
    }

    private static FsddSplit Build(List<(string Path, int Digit, string Speaker, int Index)> entries, string[] speakerNames, ref int rate)
    {
        var offsets = new int[entries.Count + 1];
        var digits = new int[entries.Count];
        var speakers = new int[entries.Count];
        var reps = new int[entries.Count];
        var chunks = new float[entries.Count][];
        long total = 0;
        for (int k = 0; k < entries.Count; k++)
        {
            var e = entries[k];
            DataPaths.Verify(e.Path);
            var wav = Wav.Read(e.Path);
            if (wav.Samples.Length == 0) throw new InvalidDataException($"WAV file '{e.Path}' holds no samples");
            if (rate == 0) rate = wav.SampleRate;
            else if (wav.SampleRate != rate)
                throw new InvalidDataException($"WAV file '{e.Path}' has sample rate {wav.SampleRate} Hz, the other recordings {rate} Hz");
            chunks[k] = wav.Samples;
            total += wav.Samples.Length;
            if (total > Array.MaxLength) throw new InvalidDataException($"FSDD recordings under '{Path.GetDirectoryName(e.Path)}' exceed the largest array");
            offsets[k + 1] = (int)total;
            digits[k] = e.Digit;
            speakers[k] = Array.BinarySearch(speakerNames, e.Speaker, StringComparer.Ordinal);
            reps[k] = e.Index;
        }
        var samples = new float[total];
        for (int k = 0; k < chunks.Length; k++) chunks[k].CopyTo(samples, offsets[k]);
        return new FsddSplit(new SequenceSet(samples, offsets, digits, 1, 10), speakers, reps, speakerNames, rate == 0 ? SampleRate : rate);
    }
}
