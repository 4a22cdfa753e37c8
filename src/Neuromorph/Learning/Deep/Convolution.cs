namespace Neuromorph.Learning.Deep;

/// <summary>
/// 2-D convolution (cross-correlation, stride 1, zero padding p) by im2col: every output pixel's
/// receptive field (C_in·k·k values) becomes one row of a patch matrix, so the layer is one
/// matrix product Y = P·W with W of shape (C_in·k·k) × C_out on an <see cref="IWeightMatrix"/>
/// — on analog tiles each patch is one input vector of the crossbar, as in aihwkit's
/// AnalogConv2d. Tensors are per-sample CHW, batches row-major.
/// </summary>
public sealed class Conv2d : Layer
{
    private readonly float[] _bias, _gradBias;
    private int _biasSlot = -1;
    private float[] _cols = [], _yT = [], _dyT = [], _dcols = [];
    private bool _colsValid;
    private int _colsBatch;

    /// <summary>Creates a convolution of <paramref name="inChannels"/> × <paramref name="height"/> × <paramref name="width"/> inputs with a k × k kernel; <paramref name="init"/> as in <see cref="Dense.Fill"/>.</summary>
    public Conv2d(int inChannels, int height, int width, int outChannels, int kernel, int padding, Func<int, int, IWeightMatrix> weights, ulong seed, string init = "he")
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || padding < 0) throw new ArgumentOutOfRangeException(nameof(kernel), "channels and kernel must be ≥ 1, padding ≥ 0");
        C = inChannels; H = height; W = width; K = kernel; P = padding; Co = outChannels;
        Ho = H + 2 * P - K + 1; Wo = W + 2 * P - K + 1;
        if (Ho < 1 || Wo < 1) throw new ArgumentException($"a {K}×{K} kernel does not fit a {H}×{W} input with padding {P}");
        ArgumentNullException.ThrowIfNull(weights);
        Weights = weights(C * K * K, Co);
        if (Weights.Inputs != C * K * K || Weights.Outputs != Co) throw new ArgumentException("weight matrix shape must be (C_in·k·k) × C_out");
        _bias = new float[Co]; _gradBias = new float[Co];
        // Initialisation over the fan-in C_in·k·k and fan-out C_out·k·k (Dense.Fill; He by default).
        var w = new float[C * K * K * Co];
        Dense.Fill(new Numerics.RandomStream(seed, "conv-init", (uint)(C * 131 + Co)), w, C * K * K, Co * K * K, init);
        Weights.WriteWeights(w);
    }

    /// <summary>Input channels, height, width.</summary>
    public int C { get; }
    /// <summary>Input height.</summary>
    public int H { get; }
    /// <summary>Input width.</summary>
    public int W { get; }
    /// <summary>Kernel size.</summary>
    public int K { get; }
    /// <summary>Zero padding.</summary>
    public int P { get; }
    /// <summary>Output channels.</summary>
    public int Co { get; }
    /// <summary>Output height.</summary>
    public int Ho { get; }
    /// <summary>Output width.</summary>
    public int Wo { get; }
    /// <summary>The kernel matrix ((C_in·k·k) × C_out).</summary>
    public IWeightMatrix Weights { get; }
    /// <summary>Bias per output channel.</summary>
    public Span<float> Bias => _bias;
    /// <inheritdoc/>
    public override int InputSize => C * H * W;
    /// <inheritdoc/>
    public override int OutputSize => Co * Ho * Wo;
    /// <inheritdoc/>
    public override string Describe => $"Conv2d {C}→{Co} {K}×{K} pad {P} ({Weights.GetType().Name})";

    /// <inheritdoc/>
    public override void Bind(Optimizer optimizer) { Weights.Bind(optimizer); _biasSlot = optimizer.Register(Co); }

    /// <inheritdoc/>
    public override void EnsureCapacity(int batch)
    {
        int rows = batch * Ho * Wo, kk = C * K * K;
        if (_cols.Length < rows * kk) { _cols = new float[rows * kk]; _dcols = new float[rows * kk]; }
        if (_yT.Length < rows * Co) { _yT = new float[rows * Co]; _dyT = new float[rows * Co]; }
    }

    private void Im2Col(ReadOnlySpan<float> x, int batch)
    {
        int kk = C * K * K, hw = Ho * Wo;
        for (int b = 0; b < batch; b++)
        {
            var xb = x.Slice(b * C * H * W, C * H * W);
            for (int oy = 0; oy < Ho; oy++)
                for (int ox = 0; ox < Wo; ox++)
                {
                    var row = _cols.AsSpan(((b * hw) + oy * Wo + ox) * kk, kk);
                    int q = 0;
                    for (int c = 0; c < C; c++)
                        for (int ky = 0; ky < K; ky++)
                        {
                            int iy = oy + ky - P;
                            for (int kx = 0; kx < K; kx++, q++)
                            {
                                int ix = ox + kx - P;
                                row[q] = (uint)iy < (uint)H && (uint)ix < (uint)W ? xb[(c * H + iy) * W + ix] : 0f;
                            }
                        }
                }
        }
    }

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training)
    {
        EnsureCapacity(batch);
        int hw = Ho * Wo, rows = batch * hw;
        Im2Col(x, batch);
        _colsValid = true; _colsBatch = batch;
        Weights.Forward(_cols.AsSpan(0, rows * C * K * K), _yT.AsSpan(0, rows * Co), rows, training);
        // (pixel × channel) → CHW, plus bias.
        for (int b = 0; b < batch; b++)
            for (int p = 0; p < hw; p++)
            {
                var src = _yT.AsSpan((b * hw + p) * Co, Co);
                for (int o = 0; o < Co; o++) y[b * Co * hw + o * hw + p] = src[o] + _bias[o];
            }
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, bool needDx, Optimizer? optimizer)
    {
        EnsureCapacity(batch);
        int hw = Ho * Wo, rows = batch * hw, kk = C * K * K;
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < Co; o++)
                for (int p = 0; p < hw; p++) _dyT[(b * hw + p) * Co + o] = dy[b * Co * hw + o * hw + p];
        // The patch matrix of this batch: Forward built it unless another batch ran since.
        if (!_colsValid || _colsBatch != batch) Im2Col(x, batch);
        _colsValid = false;
        if (needDx)
        {
            Weights.Backward(_dyT.AsSpan(0, rows * Co), _dcols.AsSpan(0, rows * kk), rows);
            dx[..(batch * C * H * W)].Clear();
            for (int b = 0; b < batch; b++)
            {
                var dxb = dx.Slice(b * C * H * W, C * H * W);
                for (int oy = 0; oy < Ho; oy++)
                    for (int ox = 0; ox < Wo; ox++)
                    {
                        var row = _dcols.AsSpan(((b * hw) + oy * Wo + ox) * kk, kk);
                        int q = 0;
                        for (int c = 0; c < C; c++)
                            for (int ky = 0; ky < K; ky++)
                            {
                                int iy = oy + ky - P;
                                for (int kx = 0; kx < K; kx++, q++)
                                {
                                    int ix = ox + kx - P;
                                    if ((uint)iy < (uint)H && (uint)ix < (uint)W) dxb[(c * H + iy) * W + ix] += row[q];
                                }
                            }
                    }
            }
        }
        if (optimizer is null) return;
        Weights.Update(_cols.AsSpan(0, rows * kk), _dyT.AsSpan(0, rows * Co), rows, optimizer);
        DeepKernels.ColumnSums(_dyT.AsSpan(0, rows * Co), _gradBias, rows);
        optimizer.Step(_biasSlot, _bias, _gradBias);
    }
}

/// <summary>Pooling kinds.</summary>
public enum PoolKind
{
    /// <summary>Maximum over the window; the gradient goes to the arg-max.</summary>
    Max,
    /// <summary>Mean over the window; the gradient is shared equally.</summary>
    Average,
}

/// <summary>Non-overlapping k × k pooling (stride k) of CHW tensors; trailing rows/columns that do not fill a window are dropped.</summary>
public sealed class Pool2d : Layer
{
    private int[] _arg = [];

    /// <summary>Creates pooling over <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/> inputs.</summary>
    public Pool2d(PoolKind kind, int channels, int height, int width, int size = 2)
    {
        if (channels < 1 || size < 1 || height < size || width < size) throw new ArgumentOutOfRangeException(nameof(size), $"a {size}×{size} window does not fit {height}×{width}");
        Kind = kind; C = channels; H = height; W = width; S = size; Ho = height / size; Wo = width / size;
    }

    /// <summary>Pooling kind.</summary>
    public PoolKind Kind { get; }
    /// <summary>Channels.</summary>
    public int C { get; }
    /// <summary>Input height.</summary>
    public int H { get; }
    /// <summary>Input width.</summary>
    public int W { get; }
    /// <summary>Window size and stride.</summary>
    public int S { get; }
    /// <summary>Output height.</summary>
    public int Ho { get; }
    /// <summary>Output width.</summary>
    public int Wo { get; }
    /// <inheritdoc/>
    public override int InputSize => C * H * W;
    /// <inheritdoc/>
    public override int OutputSize => C * Ho * Wo;
    /// <inheritdoc/>
    public override string Describe => $"{Kind}Pool {S}×{S}";

    /// <inheritdoc/>
    public override void EnsureCapacity(int batch) { if (_arg.Length < batch * OutputSize) _arg = new int[batch * OutputSize]; }

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training)
    {
        EnsureCapacity(batch);
        float inv = 1f / (S * S);
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < C; c++)
                for (int oy = 0; oy < Ho; oy++)
                    for (int ox = 0; ox < Wo; ox++)
                    {
                        int o = ((b * C + c) * Ho + oy) * Wo + ox;
                        int best = -1; float m = float.NegativeInfinity, sum = 0;
                        for (int ky = 0; ky < S; ky++)
                            for (int kx = 0; kx < S; kx++)
                            {
                                int i = ((b * C + c) * H + oy * S + ky) * W + ox * S + kx;
                                float v = x[i];
                                sum += v;
                                if (v > m) { m = v; best = i; }
                            }
                        if (Kind == PoolKind.Max) { y[o] = m; _arg[o] = best; }
                        else y[o] = sum * inv;
                    }
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch, bool needDx, Optimizer? optimizer)
    {
        if (!needDx) return;
        dx[..(batch * InputSize)].Clear();
        float inv = 1f / (S * S);
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < C; c++)
                for (int oy = 0; oy < Ho; oy++)
                    for (int ox = 0; ox < Wo; ox++)
                    {
                        int o = ((b * C + c) * Ho + oy) * Wo + ox;
                        if (Kind == PoolKind.Max) { dx[_arg[o]] += dy[o]; continue; }
                        for (int ky = 0; ky < S; ky++)
                            for (int kx = 0; kx < S; kx++)
                                dx[((b * C + c) * H + oy * S + ky) * W + ox * S + kx] += dy[o] * inv;
                    }
    }
}

/// <summary>Builders for the convolutional networks of the experiments.</summary>
public static class ConvNets
{
    /// <summary>
    /// LeNet-5 as in /work/shared/baselines/bench_mnist.py (LeCun et al. 1998 with ReLU and max
    /// pooling): conv 1→6 5×5 pad 2, ReLU, max-pool 2, conv 6→16 5×5, ReLU, max-pool 2,
    /// dense 400→120→84→10 with ReLU. <paramref name="weights"/>(inputs, outputs, layer index)
    /// supplies every weight matrix (float or analog tiles).
    /// </summary>
    public static Sequential LeNet5(Func<int, int, int, IWeightMatrix> weights, ulong seed, int height = 28, int width = 28) =>
        TwoConv(weights, seed, height, width, 6, 16, 2, ActivationKind.Relu, false, [120, 84]);

    /// <summary>
    /// The "LeNet-5 inspired" network of IBM aihwkit's analog CNN example
    /// (examples/04_lenet5_training.py, after Gokmen, Onen &amp; Haensch 2017, Front. Neurosci. 11:538):
    /// conv 1→16 5×5 (no padding), tanh, max-pool 2, conv 16→32 5×5, tanh, max-pool 2, tanh,
    /// dense 512→128, tanh, dense 128→10 — four times the channels of <see cref="LeNet5"/>.
    /// Biases are digital here (aihwkit keeps them on the tile as an extra row).
    /// </summary>
    public static Sequential LeNet5Aihwkit(Func<int, int, int, IWeightMatrix> weights, ulong seed, int height = 28, int width = 28) =>
        TwoConv(weights, seed, height, width, 16, 32, 0, ActivationKind.Tanh, true, [128]);

    /// <summary>
    /// conv 1→<paramref name="c1n"/> 5×5 (padding <paramref name="pad1"/>), act, max-pool 2, conv
    /// →<paramref name="c2n"/> 5×5, act, max-pool 2, [act,] dense layers of <paramref name="dense"/>
    /// with act between, dense →10. Weight layer l gets factory index l and seed + l.
    /// </summary>
    private static Sequential TwoConv(Func<int, int, int, IWeightMatrix> weights, ulong seed, int height, int width, int c1n, int c2n, int pad1, ActivationKind act, bool actAfterPool, int[] dense)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var c1 = new Conv2d(1, height, width, c1n, 5, pad1, (i, o) => weights(i, o, 0), seed);
        var p1 = new Pool2d(PoolKind.Max, c1n, c1.Ho, c1.Wo);
        var c2 = new Conv2d(c1n, p1.Ho, p1.Wo, c2n, 5, 0, (i, o) => weights(i, o, 1), seed + 1);
        var p2 = new Pool2d(PoolKind.Max, c2n, c2.Ho, c2.Wo);
        var layers = new List<Layer> { c1, new Activation(act, c1.OutputSize), p1, c2, new Activation(act, c2.OutputSize), p2 };
        int prev = p2.OutputSize;
        if (actAfterPool) layers.Add(new Activation(act, prev));
        for (int l = 0; l <= dense.Length; l++)
        {
            int next = l < dense.Length ? dense[l] : 10;
            layers.Add(new Dense(weights(prev, next, 2 + l), seed + 2 + (ulong)l));
            if (l < dense.Length) layers.Add(new Activation(act, next));
            prev = next;
        }
        return new Sequential([.. layers]);
    }

    /// <summary>Every weight matrix of a network (dense and convolution layers), in order.</summary>
    public static IEnumerable<IWeightMatrix> WeightMatrices(Sequential net)
    {
        ArgumentNullException.ThrowIfNull(net);
        foreach (var l in net.Layers)
        {
            if (l is Dense d) yield return d.Weights;
            else if (l is Conv2d c) yield return c.Weights;
        }
    }

    /// <summary>Op count helper: MACs of one inference of a float network.</summary>
    public static long MacsPerInference(Sequential net)
    {
        ArgumentNullException.ThrowIfNull(net);
        long m = 0;
        foreach (var l in net.Layers)
        {
            if (l is Dense d) m += (long)d.InputSize * d.OutputSize;
            else if (l is Conv2d c) m += (long)c.C * c.K * c.K * c.Co * c.Ho * c.Wo;
        }
        return m;
    }
}
