namespace Neuromorph.Data;

/// <summary>
/// UCI optical recognition of handwritten digits, 8 × 8 version (Alpaydin &amp; Kaynak 1998; the 1,797
/// test-set images distributed with scikit-learn): each row of <c>digits.csv.gz</c> is 64 pixel
/// counts 0–16 (row-major 8 × 8) followed by the label 0–9.
/// </summary>
public static class Digits8x8
{
    /// <summary>Number of rows in the bundled file.</summary>
    public const int Count = 1797;

    /// <summary>Loads the bundled set (see <see cref="DataPaths"/>), checksum-verified.</summary>
    public static LabeledSet Load(bool scaleToUnit = false) =>
        LoadFile(Path.Combine(DataPaths.Require(Datasets.Digits8x8), "digits.csv.gz"), scaleToUnit);

    /// <summary>
    /// Loads a CSV (raw or gzip) of 65 integer fields per row. Pixels must lie in 0–16, labels in 0–9;
    /// any violation, short row or corrupt stream throws <see cref="InvalidDataException"/> naming file and line.
    /// With <paramref name="scaleToUnit"/> pixels are divided by 16.
    /// </summary>
    public static LabeledSet LoadFile(string path, bool scaleToUnit = false)
    {
        DataPaths.Verify(path);
        var x = new List<float>(Count * 64);
        var y = new List<int>(Count);
        float scale = scaleToUnit ? 1f / 16f : 1f;
        TextData.ForEachLine(path, (lineNo, line) =>
        {
            if (string.IsNullOrWhiteSpace(line)) return;
            var f = TextData.Fields(line, ',');
            if (f.Length != 65) throw new InvalidDataException($"{path}:{lineNo}: expected 65 comma-separated fields (64 pixels, label), found {f.Length}");
            for (int j = 0; j < 64; j++)
            {
                int v = TextData.ParseInt(f[j], path, lineNo, $"pixel {j}");
                if (v is < 0 or > 16) throw new InvalidDataException($"{path}:{lineNo}: pixel {j} = {v} is outside 0–16");
                x.Add(v * scale);
            }
            int label = TextData.ParseInt(f[64], path, lineNo, "label");
            if (label is < 0 or > 9) throw new InvalidDataException($"{path}:{lineNo}: label {label} is outside 0–9");
            y.Add(label);
        });
        if (y.Count == 0) throw new InvalidDataException($"'{path}' holds no rows");
        return new LabeledSet(x.ToArray(), y.ToArray(), 64, 10, [8, 8]);
    }
}

/// <summary>
/// Santa Fe time-series competition data set A (Weigend &amp; Gershenfeld 1993, "Time Series
/// Prediction: Forecasting the Future and Understanding the Past"): intensity of a far-infrared
/// NH₃ laser in a chaotic (Lorenz-like) regime, 10,093 integer samples 0–255 (A.dat is the first
/// 1,000; the continuation follows).
/// </summary>
public static class SantaFeLaser
{
    /// <summary>Number of samples in the bundled series.</summary>
    public const int Length = 10_093;

    /// <summary>Number of samples in the competition's training file A.dat.</summary>
    public const int CompetitionTrainLength = 1000;

    /// <summary>Loads the bundled series (see <see cref="DataPaths"/>), checksum-verified.</summary>
    public static float[] Load() => LoadFile(Path.Combine(DataPaths.Require(Datasets.SantaFeLaser), "santafe_laser.txt"));

    /// <summary>Loads one integer 0–255 per line (blank lines ignored); anything else throws <see cref="InvalidDataException"/> naming file and line.</summary>
    public static float[] LoadFile(string path)
    {
        DataPaths.Verify(path);
        var values = new List<float>(Length);
        TextData.ForEachLine(path, (lineNo, line) =>
        {
            if (string.IsNullOrWhiteSpace(line)) return;
            int v = TextData.ParseInt(line.Trim(), path, lineNo, "sample");
            if (v is < 0 or > 255) throw new InvalidDataException($"{path}:{lineNo}: sample {v} is outside 0–255");
            values.Add(v);
        });
        if (values.Count == 0) throw new InvalidDataException($"'{path}' holds no samples");
        return values.ToArray();
    }
}
