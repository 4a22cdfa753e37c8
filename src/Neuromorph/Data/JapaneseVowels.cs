namespace Neuromorph.Data;

/// <summary>The Japanese Vowels training and test splits.</summary>
/// <param name="Train">270 utterances, 30 per speaker.</param>
/// <param name="Test">370 utterances (31, 35, 88, 44, 29, 24, 40, 50, 29 per speaker).</param>
public sealed record JapaneseVowelsData(SequenceSet Train, SequenceSet Test);

/// <summary>
/// UCI Japanese Vowels (Kudo, Toyama &amp; Shimbo 1999, "Multidimensional curve classification using
/// passing-through regions", Pattern Recognition Letters 20, 1103–1111): nine male speakers
/// uttering /ae/; each utterance is a block of 7–29 frames of 12 LPC cepstrum coefficients.
/// Label = speaker 0–8. In <c>ae.train</c>/<c>ae.test</c> each block ends with a row of twelve 1.0;
/// blank lines and CR are ignored. Blocks are in speaker order.
/// </summary>
public static class JapaneseVowels
{
    /// <summary>LPC cepstrum coefficients per frame.</summary>
    public const int Coefficients = 12;

    /// <summary>Number of speakers (classes).</summary>
    public const int Speakers = 9;

    /// <summary>Training blocks per speaker in <c>ae.train</c>.</summary>
    public static readonly IReadOnlyList<int> TrainBlocksPerSpeaker = [30, 30, 30, 30, 30, 30, 30, 30, 30];

    /// <summary>Test blocks per speaker in <c>ae.test</c>, as documented by UCI.</summary>
    public static readonly IReadOnlyList<int> TestBlocksPerSpeaker = [31, 35, 88, 44, 29, 24, 40, 50, 29];

    /// <summary>Loads both bundled files (see <see cref="DataPaths"/>), checksum-verified.</summary>
    public static JapaneseVowelsData Load() => Load(DataPaths.Require(Datasets.JapaneseVowels));

    /// <summary>Loads <c>ae.train</c> and <c>ae.test</c> from <paramref name="directory"/>.</summary>
    public static JapaneseVowelsData Load(string directory) => new(
        LoadFile(Path.Combine(directory, "ae.train"), TrainBlocksPerSpeaker),
        LoadFile(Path.Combine(directory, "ae.test"), TestBlocksPerSpeaker));

    /// <summary>
    /// Parses one file into blocks, labelling them by speaker from <paramref name="blocksPerSpeaker"/>
    /// (the number of blocks must equal its sum). A row that is not 12 numbers, an empty block, a file
    /// that ends inside a block (no terminating row of 1.0) or a wrong block count throws
    /// <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static SequenceSet LoadFile(string path, IReadOnlyList<int> blocksPerSpeaker)
    {
        ArgumentNullException.ThrowIfNull(blocksPerSpeaker);
        DataPaths.Verify(path);
        var frames = new List<float>(8192 * Coefficients);
        var offsets = new List<int> { 0 };
        int frameCount = 0, blockStartLine = 0;
        var rowBuffer = new double[Coefficients];
        TextData.ForEachLine(path, (lineNo, line) =>
        {
            var f = TextData.Fields(line, TextData.Whitespace);
            if (f.Length == 0) return;
            if (f.Length != Coefficients)
                throw new InvalidDataException($"{path}:{lineNo}: expected {Coefficients} LPC cepstrum coefficients, found {f.Length} fields");
            bool separator = true;
            for (int j = 0; j < Coefficients; j++)
            {
                rowBuffer[j] = TextData.ParseDouble(f[j], path, lineNo, $"coefficient {j}");
                separator &= rowBuffer[j] == 1.0;
            }
            if (separator)
            {
                if (frameCount == offsets[^1]) throw new InvalidDataException($"{path}:{lineNo}: empty block (separator row with no frames before it)");
                offsets.Add(frameCount);
                return;
            }
            if (frameCount == offsets[^1]) blockStartLine = lineNo;
            for (int j = 0; j < Coefficients; j++) frames.Add((float)rowBuffer[j]);
            frameCount++;
        });
        if (frameCount != offsets[^1])
            throw new InvalidDataException($"'{path}' ends inside block {offsets.Count} (started at line {blockStartLine}) without its terminating row of twelve 1.0 — truncated file?");
        int blocks = offsets.Count - 1;
        int expected = blocksPerSpeaker.Sum();
        if (blocks != expected)
            throw new InvalidDataException($"'{path}' holds {blocks} blocks, expected {expected} ({string.Join(", ", blocksPerSpeaker)} per speaker)");
        var labels = new int[blocks];
        for (int s = 0, b = 0; s < blocksPerSpeaker.Count; s++)
            for (int k = 0; k < blocksPerSpeaker[s]; k++) labels[b++] = s;
        return new SequenceSet(frames.ToArray(), offsets.ToArray(), labels, Coefficients, blocksPerSpeaker.Count);
    }
}
