using Neuromorph.Data;
using Neuromorph.Numerics;
using Neuromorph.Reservoir;

namespace Neuromorph.Tests.Reservoir;

public class FastKernelTests
{
    [Fact]
    public void SlicedEllProductMatchesTheDenseProductOnRaggedShapes()
    {
        Assert.SkipUnless(SlicedEllMatrix.IsSupported, "needs AVX-512F");
        // 70 rows (4 full groups of 16 and a partial one), 45 columns (one full block of 32 and a partial one).
        var w = CsrMatrix.Random(70, 45, 0.3, 7, "test-ell");
        var ell = new SlicedEllMatrix(w);
        var dense = w.ToDenseDouble();
        var x = new float[45]; new RandomStream(3, "x").FillNormal(x);
        var y = new float[70];
        ell.MultiplyRows(x, y, 0, 32);          // two row ranges, as two threads would split them
        ell.MultiplyRows(x, y, 32, 70);
        for (int i = 0; i < 70; i++)
        {
            double s = 0; for (int j = 0; j < 45; j++) s += dense[i * 45 + j] * x[j];
            Assert.Equal(s, y[i], 4);
        }
        Assert.True(ell.StoredEntries >= w.NonZeros);
        Assert.Throws<ArgumentOutOfRangeException>(() => ell.MultiplyRows(x, y, 8, 70));
    }

    [Fact]
    public void GramOfPackedPanelsEqualsTheNaiveSumAndIgnoresTheThreadCount()
    {
        // 45 features + bias + 3 targets = 49 columns (4 strip pairs), 300 samples (3 panels, the last partial).
        int n = 300, f = 45, o = 3, cols = f + 1 + o;
        var x = new float[n * f]; new RandomStream(5, "gx").FillNormal(x);
        var y = new float[n * o]; new RandomStream(6, "gy").FillNormal(y);
        double[] Gram(int threads)
        {
            int saved = Parallelism.MaxThreads;
            Parallelism.MaxThreads = threads;
            try
            {
                var g = new GramAccumulator(cols);
                g.Add(x, f, y, o, 170);
                g.Add(x.AsSpan(170 * f), f, y.AsSpan(170 * o), o, n - 170);
                return g.Gram.ToArray();
            }
            finally { Parallelism.MaxThreads = saved; }
        }
        var one = Gram(1);
        int ld = (cols + 15) / 16 * 16;
        double Col(int r, int j) => j < f ? x[r * f + j] : j == f ? 1.0 : y[r * o + j - f - 1];
        for (int i = 0; i < cols; i++)
            for (int j = i; j < cols; j++)
            {
                double s = 0; for (int r = 0; r < n; r++) s += Col(r, i) * Col(r, j);
                Assert.Equal(s, one[i * ld + j], 9);
            }
        Assert.Equal(one, Gram(2));
        Assert.Equal(one, Gram(3));
    }
}
