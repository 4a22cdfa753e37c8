namespace Neuromorph.Data;

/// <summary>
/// What a data set is called on disk (<see cref="Name"/>, the folder under a data root), which
/// files must be there, and where its official copy is downloaded from.
/// </summary>
/// <param name="Name">Folder name under a data root, e.g. <c>mnist</c>.</param>
/// <param name="Title">Human-readable title and citation.</param>
/// <param name="DownloadUrl">Official download address.</param>
/// <param name="RequiredFiles">Files or folders (relative to the data-set folder) that must exist; a file may also be present gzip-compressed as <c>&lt;file&gt;.gz</c>.</param>
/// <param name="Licence">Licence of the data.</param>
public sealed record DatasetInfo(string Name, string Title, string DownloadUrl, IReadOnlyList<string> RequiredFiles, string Licence);

/// <summary>The data sets this library knows how to load, with their official sources.</summary>
public static class Datasets
{
    /// <summary>MNIST handwritten digits (LeCun, Bottou, Bengio &amp; Haffner 1998), idx format.</summary>
    public static readonly DatasetInfo Mnist = new(
        "mnist", "MNIST handwritten digits (LeCun, Cortes & Burges)",
        "https://yann.lecun.com/exdb/mnist/ (mirror: https://ossci-datasets.s3.amazonaws.com/mnist/)",
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
        "CC BY-SA 3.0");

    /// <summary>Free Spoken Digit Dataset (Jakobovski et al.), 8 kHz WAV recordings.</summary>
    public static readonly DatasetInfo Fsdd = new(
        "fsdd", "Free Spoken Digit Dataset (Jakobovski et al.)",
        "https://github.com/Jakobovski/free-spoken-digit-dataset (folder recordings/)",
        ["recordings"], "CC BY-SA 4.0");

    /// <summary>Hillenbrand, Getty, Clark &amp; Wheeler (1995) American English vowel measurements.</summary>
    public static readonly DatasetInfo HillenbrandVowels = new(
        "vowels-hillenbrand", "Hillenbrand et al. 1995, J. Acoust. Soc. Am. 97, 3099 (vowdata.dat)",
        "https://homepages.wmich.edu/~hillenbr/voweldata.html",
        ["vowdata.dat"], "(c) 1995 J. Hillenbrand, free for research");

    /// <summary>UCI Japanese Vowels (Kudo, Toyama &amp; Shimbo 1999).</summary>
    public static readonly DatasetInfo JapaneseVowels = new(
        "japanese-vowels", "Japanese Vowels (Kudo, Toyama & Shimbo 1999), UCI",
        "https://archive.ics.uci.edu/dataset/128/japanese+vowels (files ae.train, ae.test)",
        ["ae.train", "ae.test"], "CC BY 4.0");

    /// <summary>Santa Fe time-series competition data set A: far-infrared laser (Weigend &amp; Gershenfeld 1993).</summary>
    public static readonly DatasetInfo SantaFeLaser = new(
        "santafe-laser", "Santa Fe competition data set A, NH3 laser (Weigend & Gershenfeld 1993)",
        "https://web.archive.org/web/2019/http://www-psych.stanford.edu/~andreas/Time-Series/SantaFe.html (A.dat + A.cont, one integer per line, saved as santafe_laser.txt)",
        ["santafe_laser.txt"], "public benchmark");

    /// <summary>UCI optical recognition of handwritten digits, 8×8 (Alpaydin &amp; Kaynak 1998).</summary>
    public static readonly DatasetInfo Digits8x8 = new(
        "digits-8x8", "Optical Recognition of Handwritten Digits 8x8 (Alpaydin & Kaynak), UCI",
        "https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits (saved as digits.csv.gz: 64 pixels then label per row)",
        ["digits.csv.gz"], "CC BY 4.0");

    /// <summary>All known data sets.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } = [Mnist, Fsdd, HillenbrandVowels, JapaneseVowels, SantaFeLaser, Digits8x8];
}
