namespace Neuromorph.Data;

/// <summary>The MNIST training and test splits.</summary>
/// <param name="Train">60,000 training images (28 × 28, row-major) with labels 0–9.</param>
/// <param name="Test">10,000 test images with labels 0–9.</param>
public sealed record MnistData(LabeledSet Train, LabeledSet Test);

/// <summary>
/// MNIST handwritten digits (LeCun, Bottou, Bengio &amp; Haffner 1998, Proc. IEEE 86, 2278) in the
/// original idx format, raw or gzip: <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c> (the <c>-idx</c> may also be spelt
/// <c>.idx</c>, and each may end in <c>.gz</c>). Any folder of files in this format loads,
/// Fashion-MNIST included. Pixels are 0–255, or [0, 1] with <c>scaleToUnit</c>.
/// </summary>
public static class Mnist
{
    /// <summary>Image height in pixels.</summary>
    public const int Rows = 28;

    /// <summary>Image width in pixels.</summary>
    public const int Columns = 28;

    /// <summary>Number of training images in MNIST.</summary>
    public const int TrainCount = 60_000;

    /// <summary>Number of test images in MNIST.</summary>
    public const int TestCount = 10_000;

    /// <summary>Loads MNIST from the first data folder that holds it (see <see cref="DataPaths"/>), verifying checksums.</summary>
    public static MnistData Load(bool scaleToUnit = false) => Load(DataPaths.Require(Datasets.Mnist), scaleToUnit);

    /// <summary>Loads both splits from <paramref name="directory"/>, or from the first data folder that holds MNIST when it is null.</summary>
    public static MnistData Load(string? directory, bool scaleToUnit = false)
    {
        directory ??= DataPaths.Require(Datasets.Mnist);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"MNIST folder '{directory}' does not exist (expected idx files such as train-images-idx3-ubyte[.gz]; download from {Datasets.Mnist.DownloadUrl})");
        return new MnistData(LoadSplit(directory, "train", scaleToUnit), LoadSplit(directory, "t10k", scaleToUnit));
    }

    /// <summary>Loads one split (<c>train</c> or <c>t10k</c>) from <paramref name="directory"/>.</summary>
    public static LabeledSet LoadSplit(string directory, string prefix, bool scaleToUnit = false)
    {
        var imagesPath = Locate(directory, prefix, "images", 3);
        var labelsPath = Locate(directory, prefix, "labels", 1);
        return LoadFiles(imagesPath, labelsPath, scaleToUnit);
    }

    /// <summary>
    /// Loads an image idx file (magic 2051, dimensions count × rows × columns) and its label idx file
    /// (magic 2049, dimension count), checking that the counts agree and every label is 0–9.
    /// Files listed in a data manifest are checksum-verified first.
    /// </summary>
    public static LabeledSet LoadFiles(string imagesPath, string labelsPath, bool scaleToUnit = false)
    {
        DataPaths.Verify(imagesPath);
        DataPaths.Verify(labelsPath);
        var images = Idx.Read(imagesPath, Idx.ImagesMagic);
        var labels = Idx.Read(labelsPath, Idx.LabelsMagic);
        if (images.Dimensions.Length != 3)
            throw new InvalidDataException($"'{imagesPath}': expected 3 dimensions (count, rows, columns), found {images.Dimensions.Length}");
        if (labels.Dimensions.Length != 1)
            throw new InvalidDataException($"'{labelsPath}': expected 1 dimension (count), found {labels.Dimensions.Length}");
        int n = images.Dimensions[0], rows = images.Dimensions[1], cols = images.Dimensions[2];
        if (labels.Dimensions[0] != n)
            throw new InvalidDataException($"'{labelsPath}' holds {labels.Dimensions[0]} labels but '{imagesPath}' holds {n} images");
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int l = labels.Data[i];
            if (l > 9) throw new InvalidDataException($"'{labelsPath}': label {l} of item {i} is not a digit 0–9 (corrupted file)");
            y[i] = l;
        }
        var x = new float[images.Data.Length];
        float scale = scaleToUnit ? 1f / 255f : 1f;
        var src = images.Data;
        for (int i = 0; i < x.Length; i++) x[i] = src[i] * scale;
        return new LabeledSet(x, y, rows * cols, 10, [rows, cols]);
    }

    private static string Locate(string directory, string prefix, string kind, int dims)
    {
        string[] names =
        [
            $"{prefix}-{kind}-idx{dims}-ubyte", $"{prefix}-{kind}.idx{dims}-ubyte",
        ];
        foreach (var n in names)
            foreach (var candidate in new[] { n, n + ".gz" })
            {
                var p = Path.Combine(directory, candidate);
                if (File.Exists(p)) return p;
            }
        throw new FileNotFoundException(
            $"MNIST-format file '{names[0]}[.gz]' (or '{names[1]}[.gz]') not found in '{directory}'. Download MNIST from {Datasets.Mnist.DownloadUrl} " +
            $"into that folder, or set {DataPaths.EnvironmentVariable} to a folder holding mnist/.", Path.Combine(directory, names[0]));
    }
}
