namespace Neuromorph.Data;

/// <summary>
/// A fixed-size labelled data set in structure-of-arrays form: <see cref="Features"/> is a flat
/// row-major (<see cref="Count"/> × <see cref="FeatureCount"/>) matrix, <see cref="Labels"/> one
/// class index per row. No object per sample.
/// </summary>
public sealed class LabeledSet
{
    /// <summary>Row-major features, <see cref="Count"/> × <see cref="FeatureCount"/>.</summary>
    public float[] Features { get; }

    /// <summary>Class index per sample, in [0, <see cref="ClassCount"/>).</summary>
    public int[] Labels { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Number of features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes (labels lie in [0, ClassCount)).</summary>
    public int ClassCount { get; }

    /// <summary>Shape of one sample (e.g. [28, 28] for an image, row-major), or [FeatureCount].</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>Names of the classes, index-aligned with labels.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Creates a set, checking that the arrays agree.</summary>
    public LabeledSet(float[] features, int[] labels, int featureCount, int classCount,
        IReadOnlyList<int>? sampleShape = null, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (featureCount <= 0) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "feature count must be positive");
        if (classCount <= 0) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "class count must be positive");
        if ((long)labels.Length * featureCount != features.Length)
            throw new ArgumentException($"features has {features.Length} values, expected {labels.Length} samples × {featureCount} features");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException($"label {labels[i]} of sample {i} is outside [0, {classCount})");
        var shape = sampleShape ?? [featureCount];
        long prod = 1; foreach (var d in shape) prod *= d;
        if (prod != featureCount) throw new ArgumentException($"sample shape [{string.Join(", ", shape)}] does not hold {featureCount} features");
        if (classNames is not null && classNames.Count != classCount)
            throw new ArgumentException($"{classNames.Count} class names for {classCount} classes");
        Features = features; Labels = labels; FeatureCount = featureCount; ClassCount = classCount;
        SampleShape = shape;
        ClassNames = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Sample(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"sample index must be in [0, {Count})");
        return Features.AsSpan(index * FeatureCount, FeatureCount);
    }

    /// <summary>Number of samples per class.</summary>
    public int[] LabelHistogram()
    {
        var h = new int[ClassCount];
        foreach (var l in Labels) h[l]++;
        return h;
    }

    /// <summary>Returns a copy with every feature multiplied by <paramref name="factor"/> (e.g. 1/255 to map pixels to [0, 1]).</summary>
    public LabeledSet Scaled(float factor)
    {
        var f = new float[Features.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(Features, factor, f);
        return new LabeledSet(f, Labels, FeatureCount, ClassCount, SampleShape, ClassNames);
    }
}

/// <summary>
/// A labelled set of variable-length sequences of fixed-width frames, stored CSR-style: all frames
/// concatenated row-major in <see cref="Frames"/> (total frames × <see cref="FeatureCount"/>), and
/// sequence <c>i</c> spanning frames <c>Offsets[i] .. Offsets[i+1]</c>.
/// </summary>
public sealed class SequenceSet
{
    /// <summary>All frames, row-major, (<c>Offsets[^1]</c>) × <see cref="FeatureCount"/>.</summary>
    public float[] Frames { get; }

    /// <summary>Frame offsets, length <see cref="Count"/> + 1, non-decreasing, starting at 0.</summary>
    public int[] Offsets { get; }

    /// <summary>Class index per sequence.</summary>
    public int[] Labels { get; }

    /// <summary>Values per frame.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => Labels.Length;

    /// <summary>Creates a set, checking that the arrays agree.</summary>
    public SequenceSet(float[] frames, int[] offsets, int[] labels, int featureCount, int classCount)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(labels);
        if (featureCount <= 0) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "feature count must be positive");
        if (offsets.Length != labels.Length + 1) throw new ArgumentException($"offsets has {offsets.Length} entries, expected {labels.Length + 1}");
        if (offsets[0] != 0) throw new ArgumentException("offsets must start at 0");
        for (int i = 0; i < labels.Length; i++)
        {
            if (offsets[i + 1] < offsets[i]) throw new ArgumentException($"offsets decrease at sequence {i}");
            if ((uint)labels[i] >= (uint)classCount) throw new ArgumentException($"label {labels[i]} of sequence {i} is outside [0, {classCount})");
        }
        if ((long)offsets[^1] * featureCount != frames.Length)
            throw new ArgumentException($"frames has {frames.Length} values, expected {offsets[^1]} frames × {featureCount}");
        Frames = frames; Offsets = offsets; Labels = labels; FeatureCount = featureCount; ClassCount = classCount;
    }

    /// <summary>Number of frames of sequence <paramref name="index"/>.</summary>
    public int Length(int index) => Offsets[index + 1] - Offsets[index];

    /// <summary>The frames of sequence <paramref name="index"/>, row-major (Length × FeatureCount).</summary>
    public ReadOnlySpan<float> Sequence(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"sequence index must be in [0, {Count})");
        return Frames.AsSpan(Offsets[index] * FeatureCount, Length(index) * FeatureCount);
    }

    /// <summary>Number of sequences per class.</summary>
    public int[] LabelHistogram()
    {
        var h = new int[ClassCount];
        foreach (var l in Labels) h[l]++;
        return h;
    }
}

/// <summary>Small operations on row-major (rows × width) matrices of samples and their labels.</summary>
public static class RowMajor
{
    /// <summary>The rows <paramref name="rows"/> of a row-major matrix with <paramref name="width"/> columns, in that order.</summary>
    public static float[] Gather(float[] x, int width, ReadOnlySpan<int> rows)
    {
        var r = new float[rows.Length * width];
        for (int i = 0; i < rows.Length; i++) x.AsSpan(rows[i] * width, width).CopyTo(r.AsSpan(i * width, width));
        return r;
    }

    /// <summary>One-hot targets (rows × classes) for the labels of <paramref name="rows"/> (all labels when null).</summary>
    public static float[] OneHot(int[] labels, int classes, int[]? rows = null)
    {
        int n = rows?.Length ?? labels.Length;
        var y = new float[n * classes];
        for (int i = 0; i < n; i++) y[i * classes + labels[rows?[i] ?? i]] = 1f;
        return y;
    }

    /// <summary>
    /// Classifies each row of scores (rows × classes) by its largest entry (the first on ties) and
    /// returns the fraction equal to <paramref name="labels"/>, with the predicted classes.
    /// </summary>
    public static double ArgmaxAccuracy(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classes, out int[] predictions)
    {
        predictions = new int[labels.Length];
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = scores.Slice(i * classes, classes);
            int arg = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[arg]) arg = k;
            predictions[i] = arg;
            if (arg == labels[i]) correct++;
        }
        return labels.Length > 0 ? (double)correct / labels.Length : double.NaN;
    }
}
