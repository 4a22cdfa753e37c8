using Neuromorph.Data;
using Neuromorph.Experiments;
using Neuromorph.Learning.Deep;
using Neuromorph.Numerics;

namespace Neuromorph.Tests.Learning.Deep;

public class DeepTests
{
    /// <summary>Loss of a fixed net on a fixed batch (double accumulation of the float forward pass).</summary>
    private static double Loss(Sequential net, float[] x, int[] labels, int batch)
    {
        var logits = net.Forward(x, batch).ToArray();
        var g = new float[logits.Length];
        return SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, batch, net.OutputSize, out _);
    }

    [Theory]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.Tanh)]
    public void DenseAndActivationGradientsMatchFiniteDifferences(ActivationKind act)
    {
        const int batch = 3, nin = 5, hidden = 4, classes = 3;
        var l1 = new Dense(nin, hidden, 11, "xavier");
        var l2 = new Dense(hidden, classes, 12, "xavier");
        var rng = new RandomStream(5, "gc");
        rng.FillNormal(l1.Bias, 0, 0.3f);
        rng.FillNormal(l2.Bias, 0, 0.3f);
        var net = new Sequential(l1, new Activation(act, hidden), l2);
        var x = new float[batch * nin]; rng.FillNormal(x, 0, 1);
        int[] labels = [0, 2, 1];

        // Analytic gradients: one SGD step with η = 1 and no momentum moves θ by exactly −∂L/∂θ.
        var w1 = ((FloatWeights)l1.Weights).Values.ToArray();
        var b2 = l2.Bias.ToArray();
        var w2 = ((FloatWeights)l2.Weights).Values.ToArray();
        var probe = new Sequential(new Dense(nin, hidden, 11, "xavier"), new Activation(act, hidden), new Dense(hidden, classes, 12, "xavier"));
        CopyParams(net, probe);
        probe.Bind(new SgdMomentum(1f, 0f));
        probe.TrainBatch(x, labels, batch, out _);
        var gw1 = Diff(w1, ((FloatWeights)((Dense)probe.Layers[0]).Weights).Values.ToArray());
        var gw2 = Diff(w2, ((FloatWeights)((Dense)probe.Layers[2]).Weights).Values.ToArray());
        var gb2 = Diff(b2, ((Dense)probe.Layers[2]).Bias.ToArray());

        const float h = 1e-2f;
        void Check(Span<float> theta, int i, float analytic)
        {
            float keep = theta[i];
            theta[i] = keep + h; double lp = Loss(net, x, labels, batch);
            theta[i] = keep - h; double lm = Loss(net, x, labels, batch);
            theta[i] = keep;
            double numeric = (lp - lm) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic) < 2e-3 + 2e-2 * Math.Abs(numeric), $"{act}: numeric {numeric:G5} vs analytic {analytic:G5}");
        }
        var fw1 = ((FloatWeights)l1.Weights).Values;
        for (int i = 0; i < fw1.Length; i += 3) Check(((FloatWeights)l1.Weights).Values, i, gw1[i]);
        for (int i = 0; i < w2.Length; i++) Check(((FloatWeights)l2.Weights).Values, i, gw2[i]);
        for (int i = 0; i < classes; i++) Check(l2.Bias, i, gb2[i]);

        // Input gradient through both layers: ∂L/∂x from the backward pass of a no-update call.
        var dx = InputGradient(net, x, labels, batch);
        for (int i = 0; i < x.Length; i++)
        {
            float keep = x[i];
            x[i] = keep + h; double lp = Loss(net, x, labels, batch);
            x[i] = keep - h; double lm = Loss(net, x, labels, batch);
            x[i] = keep;
            double numeric = (lp - lm) / (2 * h);
            Assert.True(Math.Abs(numeric - dx[i]) < 2e-3 + 2e-2 * Math.Abs(numeric), $"{act} dx[{i}]: numeric {numeric:G5} vs analytic {dx[i]:G5}");
        }
    }

    private static float[] InputGradient(Sequential net, float[] x, int[] labels, int batch)
    {
        // Prepend an identity-weight dense layer whose dx is the network's input gradient.
        int n = net.InputSize;
        var logits = net.Forward(x, batch).ToArray();
        var g = new float[logits.Length];
        SoftmaxCrossEntropy.LossAndGradient(logits, labels, g, batch, net.OutputSize, out _);
        var acts = new List<float[]> { x };
        var cur = x;
        foreach (var l in net.Layers)
        {
            var y = new float[batch * l.OutputSize];
            l.Forward(cur, y, batch, false);
            acts.Add(y); cur = y;
        }
        var err = g;
        for (int i = net.Layers.Count - 1; i >= 0; i--)
        {
            var l = net.Layers[i];
            var dx = new float[batch * l.InputSize];
            l.Backward(acts[i], acts[i + 1], err, dx, batch, needDx: true, optimizer: null);
            err = dx;
        }
        Assert.Equal(batch * n, err.Length);
        return err;
    }

    private static void CopyParams(Sequential from, Sequential to)
    {
        for (int i = 0; i < from.Layers.Count; i++)
            if (from.Layers[i] is Dense a && to.Layers[i] is Dense b)
            {
                var w = new float[a.InputSize * a.OutputSize];
                a.Weights.ReadWeights(w); b.Weights.WriteWeights(w);
                a.Bias.CopyTo(b.Bias);
            }
    }

    private static float[] Diff(float[] before, float[] after) => before.Select((v, i) => v - after[i]).ToArray();

    [Fact]
    public void AdamFollowsTheBiasCorrectedFirstStep()
    {
        // On the first step m̂ = g and v̂ = g², so every parameter moves by −η·g/(|g| + ε) ≈ −η·sign(g).
        var adam = new Adam(0.01f);
        int slot = adam.Register(3);
        float[] p = [1f, 2f, 3f];
        adam.Step(slot, p, [0.5f, -2f, 0f]);
        Assert.Equal(0.99f, p[0], 1e-5f);
        Assert.Equal(2.01f, p[1], 1e-5f);
        Assert.Equal(3f, p[2], 1e-6f);
    }

    [Fact]
    public void MomentumAccumulatesVelocity()
    {
        var sgd = new SgdMomentum(0.1f, 0.5f);
        int slot = sgd.Register(1);
        float[] p = [0f];
        sgd.Step(slot, p, [1f]);   // v = 1, p = −0.1
        sgd.Step(slot, p, [1f]);   // v = 1.5, p = −0.25
        Assert.Equal(-0.25f, p[0], 1e-6f);
    }

    [Fact]
    public void MlpLearnsDigits8x8()
    {
        var (train, test) = ReadoutClassification.StratifiedSplit(Digits8x8.Load(scaleToUnit: true), 0.3, 3);
        var net = DeepBenchmarks.Mlp(64, [64], 10, 7);
        net.Bind(new SgdMomentum(0.05f, 0.9f));
        for (int e = 0; e < 15; e++) net.TrainEpoch(train, 32, 1, e, cancel: TestContext.Current.CancellationToken);
        var acc = net.Evaluate(test).Accuracy;
        Assert.True(acc > 0.95, $"test accuracy {acc:P2}");
    }

    [Fact]
    public void MismatchedLayersFailNamingTheSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Sequential(new Dense(4, 3, 1), new Dense(5, 2, 1)));
        Assert.Contains("takes 5 inputs", ex.Message);
    }
}

public class ConvolutionTests
{
    private static double Loss(Sequential net, float[] x, int[] labels, int batch)
    {
        var logits = net.Forward(x, batch).ToArray();
        return SoftmaxCrossEntropy.LossAndGradient(logits, labels, new float[logits.Length], batch, net.OutputSize, out _);
    }

    [Theory]
    [InlineData(PoolKind.Max, 1)]
    [InlineData(PoolKind.Average, 0)]
    public void ConvPoolGradientsMatchFiniteDifferences(PoolKind pool, int padding)
    {
        const int batch = 2;
        Sequential Build()
        {
            var conv = new Conv2d(2, 6, 6, 3, 3, padding, (i, o) => new FloatWeights(i, o), 5);
            var p = new Pool2d(pool, 3, conv.Ho, conv.Wo);
            return new Sequential(conv, new Activation(ActivationKind.Tanh, conv.OutputSize), p, new Dense(p.OutputSize, 4, 6, "xavier"));
        }
        var net = Build();
        var rng = new RandomStream(8, "conv-gc");
        var x = new float[batch * 72]; rng.FillNormal(x, 0, 1);
        int[] labels = [1, 3];
        var conv = (Conv2d)net.Layers[0];
        rng.FillNormal(conv.Bias, 0, 0.2f);
        var w0 = ((FloatWeights)conv.Weights).Values.ToArray();
        var probe = Build();
        var pc = (Conv2d)probe.Layers[0];
        pc.Weights.WriteWeights(w0); conv.Bias.CopyTo(pc.Bias);
        probe.Bind(new SgdMomentum(1f, 0f));
        probe.TrainBatch(x, labels, batch, out _);
        var w1 = ((FloatWeights)pc.Weights).Values.ToArray();
        var b1 = pc.Bias.ToArray();
        // Max pooling is piecewise: keep the step small enough not to switch the arg-max.
        float h = pool == PoolKind.Max ? 1e-3f : 1e-2f;
        var wv = ((FloatWeights)conv.Weights).Values;
        for (int i = 0; i < w0.Length; i += 2)
        {
            float keep = wv[i];
            wv[i] = keep + h; double lp = Loss(net, x, labels, batch);
            wv[i] = keep - h; double lm = Loss(net, x, labels, batch);
            wv[i] = keep;
            double numeric = (lp - lm) / (2 * h), analytic = w0[i] - w1[i];
            Assert.True(Math.Abs(numeric - analytic) < 2e-3 + 3e-2 * Math.Abs(numeric), $"{pool} w[{i}]: numeric {numeric:G5} vs analytic {analytic:G5}");
        }
        for (int o = 0; o < 3; o++)
        {
            float keep = conv.Bias[o];
            conv.Bias[o] = keep + h; double lp = Loss(net, x, labels, batch);
            conv.Bias[o] = keep - h; double lm = Loss(net, x, labels, batch);
            conv.Bias[o] = keep;
            double numeric = (lp - lm) / (2 * h), analytic = conv.Bias[o] - b1[o];
            Assert.True(Math.Abs(numeric - analytic) < 2e-3 + 3e-2 * Math.Abs(numeric), $"{pool} bias[{o}]: numeric {numeric:G5} vs analytic {analytic:G5}");
        }
    }

    [Fact]
    public void AihwkitLeNet5HasTheExampleShapes()
    {
        // aihwkit examples/04_lenet5_training.py: 28×28 → conv5 16×24×24 → pool 16×12×12 →
        // conv5 32×8×8 → pool 32×4×4 = 512 → 128 → 10.
        var net = ConvNets.LeNet5Aihwkit((i, o, _) => new FloatWeights(i, o), 3);
        var convs = net.Layers.OfType<Conv2d>().ToArray();
        var dense = net.Layers.OfType<Dense>().ToArray();
        Assert.Equal([(1, 16, 24), (16, 32, 8)], convs.Select(c => (c.C, c.Co, c.Ho)));
        Assert.Equal([(512, 128), (128, 10)], dense.Select(d => (d.InputSize, d.OutputSize)));
        Assert.All(net.Layers.OfType<Activation>(), a => Assert.Equal(ActivationKind.Tanh, a.Kind));
        Assert.Equal(784, net.InputSize);
        Assert.Equal(10, net.OutputSize);
        // MACs: 25·16·576 + 400·32·64 + 512·128 + 128·10.
        Assert.Equal(230_400 + 819_200 + 65_536 + 1_280, ConvNets.MacsPerInference(net));
    }

    [Fact]
    public void CosineScheduleStartsHighEndsLowAndAveragesTheEndpoints()
    {
        const int epochs = 20;
        const double eta0 = 0.02, etaF = 0.001;
        var lr = Enumerable.Range(0, epochs).Select(e => LearningRateSchedule.Cosine(e, epochs, eta0, etaF)).ToArray();
        // Σ_e cos(π(e + ½)/E) = 0, so the mean is exactly the midpoint of η₀ and η_f.
        Assert.Equal((eta0 + etaF) / 2, lr.Average(), 12);
        for (int e = 1; e < epochs; e++) Assert.True(lr[e] < lr[e - 1], $"epoch {e}: {lr[e]} not below {lr[e - 1]}");
        Assert.Equal(etaF + (eta0 - etaF) * (1 - Math.Cos(Math.PI / (2 * epochs))) / 2, lr[^1], 12);
        Assert.Equal(eta0 + etaF - lr[^1], lr[0], 12); // symmetric about the midpoint
        Assert.Equal(0.02 * Math.Pow(0.9, 3), LearningRateSchedule.Exponential(3, 0.02, 0.9), 15);
    }

    [Fact]
    public void Im2ColConvolutionMatchesTheDirectSum()
    {
        var conv = new Conv2d(1, 4, 4, 1, 3, 1, (i, o) => new FloatWeights(i, o), 2);
        var w = new float[9]; for (int i = 0; i < 9; i++) w[i] = i - 4;
        conv.Weights.WriteWeights(w);
        var x = Enumerable.Range(0, 16).Select(v => (float)v).ToArray();
        var y = new float[16];
        conv.Forward(x, y, 1, false);
        for (int oy = 0; oy < 4; oy++)
            for (int ox = 0; ox < 4; ox++)
            {
                float s = 0;
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++)
                    {
                        int iy = oy + ky - 1, ix = ox + kx - 1;
                        if (iy is >= 0 and < 4 && ix is >= 0 and < 4) s += w[ky * 3 + kx] * x[iy * 4 + ix];
                    }
                Assert.Equal(s, y[oy * 4 + ox], 1e-4f);
            }
    }
}

public class DeepKernelTests
{
    [Theory]
    [InlineData(1, 5, 64)]
    [InlineData(7, 33, 128)]
    [InlineData(64, 784, 256)]
    [InlineData(6, 10, 30)]
    public void BlockedGemmMatchesTheReference(int m, int k, int n)
    {
        var r = new RandomStream(2, "gemm");
        var a = new float[m * k]; var b = new float[k * n];
        r.FillNormal(a, 0, 1); r.FillNormal(b, 0, 1);
        for (int i = 0; i < a.Length; i += 3) a[i] = 0f;   // sparse inputs are skipped, not mis-added
        var c = new float[m * n]; Array.Fill(c, 99f);
        DeepKernels.Gemm(a, b, c, m, k, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
                Assert.Equal(s, c[i * n + j], 1e-3 * (1 + Math.Abs(s)));
            }
        // Transposed form: C = (Aᵀ)ᵀ·B with the k × m transpose of A.
        var at = new float[k * m];
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
        var c2 = new float[m * n];
        DeepKernels.GemmTransABlocked(at, b, c2, m, k, n);
        for (int i = 0; i < c.Length; i++) Assert.Equal(c[i], c2[i], 1e-3f * (1 + Math.Abs(c[i])));
    }

    private static (float[] A, float[] B, float[] Reference) SparseProblem(int m, int k, int n, double density, string key)
    {
        var r = new RandomStream(3, key);
        var a = new float[m * k]; var b = new float[k * n];
        r.FillNormal(a, 0, 1); r.FillNormal(b, 0, 1);
        var keep = new float[a.Length];
        r.FillUniform(keep, 0, 1);
        for (int i = 0; i < a.Length; i++) if (keep[i] >= density) a[i] = 0f;
        return (a, b, Neuromorph.Tests.Numerics.KernelTests.NaiveGemm(a, b, m, k, n));
    }

    [Theory]
    [InlineData(64, 784, 256, 0.2)]   // MNIST-like inputs: strips of B rows (K tiling), 128-column blocks
    [InlineData(5, 37, 80, 0.5)]      // 64 + 16 column blocks, row tails that are not a multiple of 16
    [InlineData(9, 21, 10, 0.5)]      // narrow output (padded rows)
    [InlineData(8, 40, 64, 1.0)]      // dense: falls back to the blocked kernel
    public void SparseGemmMatchesTheReferenceForAnyThreadCount(int m, int k, int n, double density)
    {
        var (a, b, reference) = SparseProblem(m, k, n, density, "sparse-gemm");
        int saved = Parallelism.MaxThreads;
        try
        {
            float[]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Parallelism.MaxThreads = threads;
                var c = new float[m * n]; Array.Fill(c, 99f);
                DeepKernels.GemmSparseA(a, b, c, m, k, n);
                for (int i = 0; i < c.Length; i++) Assert.Equal(reference[i], c[i], 1e-3f * (1 + Math.Abs(reference[i])));
                if (first is null) first = c; else Assert.Equal(first, c);   // bit-identical for any thread count
            }
        }
        finally { Parallelism.MaxThreads = saved; }
    }

    [Theory]
    [InlineData(784, 64, 256, 0.2)]
    [InlineData(30, 7, 48, 0.5)]
    [InlineData(25, 12, 6, 0.6)]
    public void FusedGradientStepEqualsGradientThenMomentumStep(int m, int k, int n, double density)
    {
        // G = Aᵀ·B with A (k × m): the transposed problem of SparseProblem.
        var (at, b, _) = SparseProblem(k, m, n, density, "sparse-grad");
        var g = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)at[p * m + i] * b[p * n + j];
                g[i * n + j] = (float)s;
            }
        var c = new float[m * n];
        DeepKernels.GemmTransASparse(at, b, c, m, k, n);
        for (int i = 0; i < c.Length; i++) Assert.Equal(g[i], c[i], 1e-3f * (1 + Math.Abs(g[i])));

        // Two fused steps against v ← μv + g + λw, w ← w − ηv written out.
        const float lr = 0.05f, mu = 0.9f, wd = 1e-3f;
        var w = new float[m * n]; new RandomStream(4, "w").FillNormal(w, 0, 1);
        var v = new float[m * n];
        var wRef = w.Select(x => (double)x).ToArray(); var vRef = new double[m * n];
        for (int step = 0; step < 2; step++)
        {
            DeepKernels.GemmTransASgd(at, b, w, v, m, k, n, lr, mu, wd);
            for (int i = 0; i < w.Length; i++) { vRef[i] = mu * vRef[i] + g[i] + wd * wRef[i]; wRef[i] -= lr * vRef[i]; }
        }
        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(vRef[i], v[i], 1e-3 * (1 + Math.Abs(vRef[i])));
            Assert.Equal(wRef[i], w[i], 1e-3 * (1 + Math.Abs(wRef[i])));
        }
    }

    [Fact]
    public void TransposeIsExact()
    {
        var a = new float[37 * 21];
        for (int i = 0; i < a.Length; i++) a[i] = i;
        var t = new float[a.Length];
        DeepKernels.Transpose(a, t, 37, 21);
        for (int i = 0; i < 37; i++) for (int j = 0; j < 21; j++) Assert.Equal(a[i * 21 + j], t[j * 37 + i]);
    }
}
