using System.Text.RegularExpressions;

namespace Neuromorph.Data;

/// <summary>
/// Hillenbrand, Getty, Clark &amp; Wheeler (1995), "Acoustic characteristics of American English
/// vowels", J. Acoust. Soc. Am. 97(5), 3099–3111: 1,668 /hVd/ tokens of 12 vowels by 45 men, 48 women
/// and 46 children (<c>vowdata.dat</c>). Stored structure-of-arrays, one element per token.
/// </summary>
/// <remarks>
/// Columns of <see cref="Measurements"/> (<see cref="MeasurementNames"/>), all in hertz: F0, F1–F4 at
/// steady state, then F1–F3 at 20 %, 50 % and 80 % of the vowel's duration. The file writes 0 for a
/// formant that was not measurable; it is stored here as <see cref="float.NaN"/> so it cannot be
/// mistaken for a frequency.
/// </remarks>
public sealed partial class HillenbrandVowels
{
    /// <summary>Vowel codes in label order (ae = "had", ah = "hod", aw = "hawed", eh = "head", ei = "haid", er = "heard", ih = "hid", iy = "heed", oa = "hoed", oo = "hood", uh = "hud", uw = "who'd").</summary>
    public static readonly IReadOnlyList<string> VowelCodes = ["ae", "ah", "aw", "eh", "ei", "er", "ih", "iy", "oa", "oo", "uh", "uw"];

    /// <summary>Talker groups in group-index order (file prefix m, w, b, g).</summary>
    public static readonly IReadOnlyList<string> GroupNames = ["man", "woman", "boy", "girl"];

    /// <summary>Names of the columns of <see cref="Measurements"/>.</summary>
    public static readonly IReadOnlyList<string> MeasurementNames =
        ["F0", "F1", "F2", "F3", "F4", "F1@20%", "F2@20%", "F3@20%", "F1@50%", "F2@50%", "F3@50%", "F1@80%", "F2@80%", "F3@80%"];

    /// <summary>Number of tokens in the bundled file.</summary>
    public const int TokenCount = 1668;

    /// <summary>Token file names, e.g. <c>m01ae</c>.</summary>
    public string[] Names { get; }

    /// <summary>Vowel label per token, index into <see cref="VowelCodes"/>.</summary>
    public int[] Vowels { get; }

    /// <summary>Talker group per token, index into <see cref="GroupNames"/>.</summary>
    public int[] Groups { get; }

    /// <summary>Talker number within the group, per token.</summary>
    public int[] Talkers { get; }

    /// <summary>Vowel duration per token, seconds.</summary>
    public float[] Durations { get; }

    /// <summary>Row-major Count × 14 measurements in hertz (see <see cref="MeasurementNames"/>); NaN = not measurable.</summary>
    public float[] Measurements { get; }

    /// <summary>Number of tokens.</summary>
    public int Count => Vowels.Length;

    private HillenbrandVowels(string[] names, int[] vowels, int[] groups, int[] talkers, float[] durations, float[] measurements)
    {
        Names = names; Vowels = vowels; Groups = groups; Talkers = talkers; Durations = durations; Measurements = measurements;
    }

    /// <summary>Loads the bundled file (see <see cref="DataPaths"/>), checksum-verified.</summary>
    public static HillenbrandVowels Load() => LoadFile(Path.Combine(DataPaths.Require(Datasets.HillenbrandVowels), "vowdata.dat"));

    [GeneratedRegex("^([mwbg])([0-9]{2})([a-z]{2})$")]
    private static partial Regex TokenName();

    /// <summary>
    /// Parses <c>vowdata.dat</c>: a free-text header, then one line per token (name, duration in ms,
    /// 14 frequencies in Hz). Data lines are recognised by their token name; after the first one,
    /// every non-blank line must be a well-formed token line, else <see cref="InvalidDataException"/>
    /// names the file and line.
    /// </summary>
    public static HillenbrandVowels LoadFile(string path)
    {
        DataPaths.Verify(path);
        var names = new List<string>(TokenCount);
        var vowels = new List<int>(TokenCount);
        var groups = new List<int>(TokenCount);
        var talkers = new List<int>(TokenCount);
        var durations = new List<float>(TokenCount);
        var meas = new List<float>(TokenCount * 14);
        bool inData = false;
        TextData.ForEachLine(path, (lineNo, line) =>
        {
            var f = TextData.Fields(line, TextData.Whitespace);
            if (f.Length == 0) return;
            var m = TokenName().Match(f[0]);
            if (!m.Success)
            {
                if (inData) throw new InvalidDataException($"{path}:{lineNo}: expected a token line such as 'm01ae 323 174 ...', found '{line.Trim()}'");
                return;
            }
            inData = true;
            if (f.Length != 16) throw new InvalidDataException($"{path}:{lineNo}: token '{f[0]}' has {f.Length - 1} values, expected 15 (duration, F0, F1–F4, F1–F3 at 20/50/80 %)");
            int vowel = IndexOf(VowelCodes, m.Groups[3].Value);
            if (vowel < 0) throw new InvalidDataException($"{path}:{lineNo}: unknown vowel code '{m.Groups[3].Value}' in '{f[0]}' (known: {string.Join(", ", VowelCodes)})");
            names.Add(f[0]);
            vowels.Add(vowel);
            groups.Add("mwbg".IndexOf(m.Groups[1].Value[0], StringComparison.Ordinal));
            talkers.Add(int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            int durMs = TextData.ParseInt(f[1], path, lineNo, "duration (ms)");
            if (durMs <= 0) throw new InvalidDataException($"{path}:{lineNo}: duration {durMs} ms must be positive");
            durations.Add(durMs * 1e-3f);
            for (int j = 0; j < 14; j++)
            {
                int hz = TextData.ParseInt(f[2 + j], path, lineNo, MeasurementNames[j]);
                if (hz < 0 || hz > 8000) throw new InvalidDataException($"{path}:{lineNo}: {MeasurementNames[j]} = {hz} Hz is outside 0–8000 Hz");
                meas.Add(hz == 0 ? float.NaN : hz);
            }
        });
        if (names.Count == 0) throw new InvalidDataException($"'{path}' holds no token lines (expected lines such as 'm01ae 323 174 ...')");
        return new HillenbrandVowels(names.ToArray(), vowels.ToArray(), groups.ToArray(), talkers.ToArray(), durations.ToArray(), meas.ToArray());
    }

    /// <summary>The measurement row of token <paramref name="index"/> (14 values, Hz, NaN = not measurable).</summary>
    public ReadOnlySpan<float> Row(int index) => Measurements.AsSpan(index * 14, 14);

    /// <summary>
    /// A classification set of the chosen measurement columns (indices into <see cref="MeasurementNames"/>),
    /// labelled by vowel; tokens with any chosen value not measurable are left out.
    /// The default is the steady-state F1, F2, F3 (columns 1–3).
    /// </summary>
    public LabeledSet ToLabeledSet(params int[] columns)
    {
        if (columns.Length == 0) columns = [1, 2, 3];
        foreach (var c in columns)
            if ((uint)c >= 14u) throw new ArgumentOutOfRangeException(nameof(columns), c, "column must be in [0, 14)");
        var x = new List<float>(Count * columns.Length);
        var y = new List<int>(Count);
        for (int i = 0; i < Count; i++)
        {
            var row = Row(i);
            bool ok = true;
            foreach (var c in columns) ok &= !float.IsNaN(row[c]);
            if (!ok) continue;
            foreach (var c in columns) x.Add(row[c]);
            y.Add(Vowels[i]);
        }
        return new LabeledSet(x.ToArray(), y.ToArray(), columns.Length, VowelCodes.Count, classNames: VowelCodes);
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
