using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Learning.Deep;
using Neuromorph.Numerics;

namespace Neuromorph.Crossbar;

/// <summary>
/// One crossbar tile of rows × cols cross-points (rows = input word lines driven by DACs, cols =
/// output bit lines read by ADCs): I_j = Σ_i G_ij V_i by Ohm's and Kirchhoff's laws, in
/// normalised units y_j = Σ_i w_ij x_i. The weights live on pulsed-update devices
/// (<see cref="PulsedDeviceArray"/>) in the cells of <see cref="CellMapping"/> — one device, one
/// device against a per-row reference device, or a differential pair, N such cells per weight with
/// counter-based arbitration of the updates — or on ideal floats when no device is given (the
/// periphery still applies). Forward and backward run through the
/// same periphery (<see cref="IoParams"/>); the update is the parallel pulsed outer product of
/// <see cref="UpdateParams"/>. Structure of arrays, scratch sized once per batch capacity.
/// </summary>
public sealed class AnalogTile
{
    private static readonly uint CompNoise = Philox.ComponentId("tile.noise");
    private static readonly uint CompTrain = Philox.ComponentId("tile.pulse-train");
    private readonly float[] _w;
    private float[] _wT = [];                 // Wᵀ for the backward product, refreshed each backward call
    private readonly PulsedDeviceArray? _plus, _minus, _ref;
    private readonly float[] _refSum = [];     // Σ_k g_ref,ik per row (reference mapping)
    private readonly int _cells;                // rows × cols
    private readonly int _devices;              // N cells per weight
    private int _selected, _off;                // arbitration counter and its device offset k·cells
    private static readonly uint CompReference = Philox.ComponentId("tile.reference");
    private readonly ulong _seed;
    private readonly uint _id;
    private ulong _mvmCount;
    private ulong _trainCalls;
    private float[] _prob = [];
    private readonly ulong[] _trainBits = new ulong[16];
    private int[] _cand = [];
    // Scratch (grown to the batch capacity).
    private float[] _xq = [], _yBuf = [], _scale = [];
    private readonly ulong[] _rowMask, _colMask;
    private readonly int[] _rowIdx, _colIdx;
    private readonly int[] _colSlot, _rowBySlot;
    private readonly int[] _rowStart = new int[65], _colStart = new int[65];
    private readonly float[] _pool = new float[4096];
    private int _poolPos = 4096;
    private ulong _poolBlock;
    private readonly bool _fastPulses;
    private readonly float[] _packed = [];
    private readonly int[] _dPos = [];
    private static readonly uint CompPulse = Philox.ComponentId("tile.pulse-noise");

    /// <summary>Creates a tile; <paramref name="device"/> null means ideal float weights.</summary>
    public AnalogTile(int rows, int cols, PulsedDeviceParams? device, CellMapping mapping, IoParams forward, IoParams backward, UpdateParams update, ulong seed, uint id)
    {
        if (rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"a tile needs ≥ 1 row and column (got {rows}×{cols})");
        ArgumentNullException.ThrowIfNull(forward); ArgumentNullException.ThrowIfNull(backward); ArgumentNullException.ThrowIfNull(update);
        forward.Validate("forward"); backward.Validate("backward"); update.Validate();
        Rows = rows; Cols = cols; Forward = forward; BackwardIo = backward; Update = update; Mapping = mapping;
        _seed = seed; _id = id;
        _w = new float[rows * cols];
        _cells = rows * cols;
        _devices = mapping.DevicesPerWeight;
        if (device != null)
        {
            // Cell k of weight i is device k·rows·cols + i of each array.
            _plus = new PulsedDeviceArray(_devices * _cells, device, Mix(seed, id, 1));
            if (mapping.Kind == MappingKind.Differential) _minus = new PulsedDeviceArray(_devices * _cells, device, Mix(seed, id, 2));
            if (mapping.Kind == MappingKind.Reference)
            {
                _ref = new PulsedDeviceArray(_devices * rows, device, Mix(seed, id, 3));
                _refSum = new float[rows];
                ProgramReferences();
            }
            SyncWeights();
        }
        _rowMask = new ulong[rows]; _colMask = new ulong[cols];
        _rowIdx = new int[rows]; _colIdx = new int[cols];
        _rowBySlot = new int[rows * 64]; _colSlot = new int[cols * 64];
        // Per-pulse path through the public step law when the device has no per-pulse state the
        // tile cannot see (write noise, level quantisation, endurance, faults); else the device's own ApplyPulses.
        _fastPulses = device is { WriteNoiseStd: 0, Levels: < 2, Endurance: 0, StuckAtMinFraction: 0, StuckAtMaxFraction: 0 };
        if (_fastPulses && _plus is not null && _minus is null)
        {
            // Single devices on the fast path: each device's fixed step sizes and bounds side by side
            // (one cache line per pulse instead of four), read by PulseSlots.
            _packed = new float[4 * _devices * rows * cols];
            _dPos = new int[cols];
            for (int k = 0; k < _devices * rows * cols; k++)
            {
                _packed[4 * k] = _plus.StepDown[k]; _packed[4 * k + 1] = _plus.StepUp[k];
                _packed[4 * k + 2] = _plus.LowerBounds[k]; _packed[4 * k + 3] = _plus.UpperBounds[k];
            }
        }
    }

    private static ulong Mix(ulong seed, uint id, uint k) => seed ^ (0x9E3779B97F4A7C15ul * (((ulong)id << 8) + k));

    /// <summary>Input lines.</summary>
    public int Rows { get; }
    /// <summary>Output lines.</summary>
    public int Cols { get; }
    /// <summary>Forward periphery.</summary>
    public IoParams Forward { get; }
    /// <summary>Backward periphery.</summary>
    public IoParams BackwardIo { get; }
    /// <summary>Update scheme.</summary>
    public UpdateParams Update { get; }
    /// <summary>Weight-to-device mapping.</summary>
    public CellMapping Mapping { get; }
    /// <summary>The devices holding the weight (g⁺ for pairs; cell k of weight i at k·rows·cols + i); null for ideal weights.</summary>
    public PulsedDeviceArray? Devices => _plus;
    /// <summary>g⁻ of differential pairs.</summary>
    public PulsedDeviceArray? MinusDevices => _minus;
    /// <summary>Reference devices of the reference mapping (cell k of row i at k·rows + i); null otherwise.</summary>
    public PulsedDeviceArray? ReferenceDevices => _ref;
    /// <summary>Cells per weight (N).</summary>
    public int DevicesPerWeight => _devices;
    /// <summary>The arbitration counter: the cell k ∈ [0, N) the next update event pulses.</summary>
    public int SelectedDevice => _selected;
    /// <summary>Effective weights (rows × cols).</summary>
    public ReadOnlySpan<float> Weights => _w;
    /// <summary>Pair refreshes performed (differential mapping).</summary>
    public long Refreshes { get; private set; }

    /// <summary>
    /// Programs the weights (rows × cols) onto the devices, each of the N cells of a weight to
    /// v = w/N: g = v for single devices; g = ḡ + v (ḡ the nominal mid-range) against the reference;
    /// g⁺ = w_min + max(v, 0), g⁻ = w_min + max(−v, 0) for pairs. The reference devices are not touched.
    /// </summary>
    public void Program(ReadOnlySpan<float> w)
    {
        if (w.Length != _w.Length) throw new ArgumentException($"expected {_w.Length} weights, got {w.Length}", nameof(w));
        if (_plus is null) { w.CopyTo(_w); return; }
        var p = _plus.Params;
        float mid = 0.5f * (p.WMin + p.WMax), inv = 1f / _devices;
        for (int k = 0; k < _devices; k++)
            for (int i = 0; i < w.Length; i++)
            {
                int c = k * _cells + i;
                float v = _devices == 1 ? w[i] : w[i] * inv;
                if (_minus is not null) ProgramPair(c, v);
                else _plus.Program(c, _ref is null ? v : mid + v);
            }
        SyncWeights();
    }

    /// <summary>
    /// Writes w = g⁺ − g⁻ onto pair <paramref name="c"/> as program-and-verify would: both devices
    /// start from the pair's common floor b = max(g_min⁺, g_min⁻) (each device's own, dispersed
    /// bound), the one on the sign of w is raised to b + |w|, so the pair reads exactly w whenever
    /// b + |w| fits the device's window (else it saturates there). Programming both to the nominal
    /// floor instead would leave an offset g_min⁺ − g_min⁻ on every weight of dispersed devices.
    /// </summary>
    private void ProgramPair(int c, float w)
    {
        float b = Math.Max(_plus!.LowerBounds[c], _minus!.LowerBounds[c]);
        _plus.Program(c, b + Math.Max(w, 0f));
        _minus.Program(c, b + Math.Max(-w, 0f));
    }

    /// <summary>
    /// Programs each reference device once to the middle of its own window, (g_min + g_max)/2, plus
    /// one draw of the device's write noise σ_write·Δw_min·ξ when it has any; Σ_k g_ref per row is kept.
    /// </summary>
    private void ProgramReferences()
    {
        var r = _ref!;
        float sw = r.Params.WriteNoiseStd * r.Params.DwMin;
        for (int c = 0; c < r.Count; c++)
        {
            float noise = sw > 0 ? sw * DeviceRandom.Normal(_seed, CompReference, _id * 0x10000u + (uint)c, 0) : 0f;
            r.Program(c, 0.5f * (r.LowerBounds[c] + r.UpperBounds[c]) + noise);
        }
        CellMapping.SumCells(r.State, default, _devices, _refSum);
    }

    private void SyncWeights()
    {
        if (_plus is null) return;
        // Σ_k g_k or Σ_k (g⁺_k − g⁻_k); for N = 1 a copy or one subtraction.
        CellMapping.SumCells(_plus.State, _minus is null ? default : _minus.State, _devices, _w);
        if (_ref is null) return;
        // Column current minus the reference current: w_ij = Σ_k g_ijk − Σ_k g_ref,ik.
        for (int i = 0; i < Rows; i++)
        {
            var row = _w.AsSpan(i * Cols, Cols);
            TensorPrimitives.Subtract(row, _refSum[i], row);
        }
    }

    /// <summary>Boybat's arbitration: after each update event the selection counter moves to the next cell.</summary>
    private void Advance()
    {
        if (_devices == 1) return;
        _selected = _selected + 1 == _devices ? 0 : _selected + 1;
        _off = _selected * _cells;
    }

    private void EnsureScratch(int batch, int width)
    {
        if (_xq.Length < batch * width) _xq = new float[batch * width];
        int outW = Math.Max(Rows, Cols);
        if (_yBuf.Length < batch * outW) _yBuf = new float[batch * outW];
        if (_scale.Length < batch) _scale = new float[batch];
    }

    /// <summary>
    /// y (batch × cols, contiguous) ← analog MVM of the input slice x[b, offset … offset + rows)
    /// (row stride <paramref name="stride"/>); transposed: y (batch × rows) ← δ[b, offset … offset + cols)·Wᵀ.
    /// Noise management, DAC, array with read noise, output noise, ADC and bound management as in
    /// <see cref="IoParams"/>; conversions and MACs are counted into <paramref name="counters"/>.
    /// </summary>
    public void Mvm(ReadOnlySpan<float> x, int stride, int offset, Span<float> y, int batch, bool transposed, OpCounters? counters)
    {
        var io = transposed ? BackwardIo : Forward;
        int nIn = transposed ? Cols : Rows, nOut = transposed ? Rows : Cols;
        EnsureScratch(batch, nIn);
        var xq = _xq.AsSpan(0, batch * nIn);
        var scale = _scale.AsSpan(0, batch);
        ulong call = _mvmCount++;
        for (int b = 0; b < batch; b++)
        {
            var src = x.Slice(b * stride + offset, nIn);
            var dst = xq.Slice(b * nIn, nIn);
            float a = 1f;
            if (io.NoiseManagement == NoiseManagement.AbsMax && !io.IsPerfect)
            {
                a = MathF.Abs(TensorPrimitives.MaxMagnitude(src));
                // An all-zero input gives an exact zero: the digital rescale by α = 0 (aihwkit ABS_MAX).
                scale[b] = a / io.InputBound;
                if (a == 0f) { xq.Slice(b * nIn, nIn).Clear(); continue; }
                a /= io.InputBound;
            }
            else scale[b] = a;
            if (io.IsPerfect) { src.CopyTo(dst); continue; }
            if (io.StochasticRounding)
            {
                for (int i = 0; i < nIn; i++)
                    dst[i] = io.QuantizeInput(src[i] / a, CounterRandom.Uniform4(_seed, CompNoise ^ 0x5A5Au, _id, (call << 20) + (ulong)(b * nIn + i)).U0);
            }
            else io.QuantizeInputs(src, a, dst);
        }
        var outp = y[..(batch * nOut)];
        // Zero inputs (MNIST background, ReLU zeros, quantised-away errors) cost nothing in the products.
        if (transposed)
        {
            if (_wT.Length != _w.Length) _wT = new float[_w.Length];
            DeepKernels.Transpose(_w, _wT, Rows, Cols);
            DeepKernels.GemmSparseA(xq, _wT, outp, batch, Cols, Rows);
        }
        else DeepKernels.GemmSparseA(xq, _w, outp, batch, Rows, Cols);
        if (counters != null)
        {
            counters.Add(Op.Mac, (long)batch * Rows * Cols);
            counters.Add(Op.DacConversion, (long)batch * nIn);
            counters.Add(Op.AdcConversion, (long)batch * nOut);
        }
        if (io.IsPerfect) return;
        // The periphery of each sample draws its noise from counters keyed by (call, sample,
        // iteration), so samples are independent: large batches run in parallel parts with the
        // same result as in sequence.
        if (_bmRetries.Length < batch) _bmRetries = new int[batch];
        int parts = (long)batch * (nIn + nOut) >= 8192 ? Math.Min(batch, Parallelism.MaxThreads) : 1;
        unsafe
        {
            fixed (float* py = outp) fixed (float* pq = xq)
            {
                nint iy = (nint)py, iq = (nint)pq;
                if (parts == 1) PeripheryRange(io, new Span<float>(py, batch * nOut), new Span<float>(pq, batch * nIn), 0, batch, call, transposed);
                else
                    Parallelism.RunParts(parts, part => PeripheryRange(io, new Span<float>((float*)iy, batch * nOut), new Span<float>((float*)iq, batch * nIn),
                        batch * part / parts, batch * (part + 1) / parts, call, transposed));
            }
        }
        if (counters != null && io.BoundManagement != BoundManagement.None)
        {
            long retries = 0;
            for (int b = 0; b < batch; b++) retries += _bmRetries[b];
            counters.Add(Op.Mac, retries * Rows * Cols);
            counters.Add(Op.DacConversion, retries * nIn);
            counters.Add(Op.AdcConversion, retries * nOut);
        }
    }

    private int[] _bmRetries = [];

    /// <summary>Noise, ADC, bound management and the digital rescale of samples [b0, b1) of the current MVM.</summary>
    private void PeripheryRange(IoParams io, Span<float> outp, Span<float> xq, int b0, int b1, ulong call, bool transposed)
    {
        int nIn = transposed ? Cols : Rows, nOut = transposed ? Rows : Cols;
        for (int b = b0; b < b1; b++)
        {
            _bmRetries[b] = 0;
            var yr = outp.Slice(b * nOut, nOut);
            if (_scale[b] == 0f) { yr.Clear(); continue; }
            var xr = xq.Slice(b * nIn, nIn);
            float factor = 1f;
            for (int iter = 0; ; iter++)
            {
                bool saturated = Periphery(io, xr, yr, call, (uint)b, (uint)iter);
                if (!saturated || io.BoundManagement == BoundManagement.None || iter >= io.MaxBoundIterations) break;
                // Bound management: halve the input and repeat this sample's MVM.
                factor *= 0.5f;
                TensorPrimitives.Multiply(xr, 0.5f, xr);
                if (transposed) Kernels.Gemv(_w, Rows, Cols, xr, yr);
                else Kernels.GemvTransposed(_w, Rows, Cols, xr, yr);
                _bmRetries[b]++;
            }
            TensorPrimitives.Multiply(yr, _scale[b] / factor, yr);
        }
    }

    /// <summary>Adds read and output noise to one output vector and converts it; returns true if any output hit the ADC bound.</summary>
    private bool Periphery(IoParams io, ReadOnlySpan<float> xr, Span<float> yr, ulong call, uint sample, uint iter)
    {
        float sw = io.WeightNoise, so = io.OutputNoise;
        float sigma = sw > 0 ? MathF.Sqrt(so * so + sw * sw * TensorPrimitives.SumOfSquares(xr)) : so;
        int n = yr.Length;
        if (sigma > 0)
        {
            var lane = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            uint stepLow = (uint)call, stepHigh = (uint)(call >> 32) ^ (iter << 16);
            uint baseIdx = _id * 0x10000u ^ sample * (uint)Math.Max(Rows, Cols) * 17u;
            var vs = Vector512.Create(sigma);
            Span<float> tail = stackalloc float[16];
            ref float ry = ref MemoryMarshal.GetReference(yr);
            for (int j = 0; j < n; j += 16)
            {
                var z = DeviceRandom.Normal16(_seed, CompNoise, Vector512.Create(baseIdx + (uint)j) + lane, Vector512.Create(stepLow), stepHigh);
                if (j + 16 <= n) Vector512.FusedMultiplyAdd(vs, z, Vector512.LoadUnsafe(ref ry, (nuint)j)).StoreUnsafe(ref ry, (nuint)j);
                else
                {
                    z.CopyTo(tail);
                    for (int k = 0; k < n - j; k++) yr[j + k] += sigma * tail[k];
                }
            }
        }
        return io.QuantizeOutputs(yr);
    }

    /// <summary>
    /// The descent step ΔW = −η·Σ_b x_b δ_bᵀ for this tile's slice: pulsed outer products sample by
    /// sample on devices (<see cref="UpdateParams"/>), or the exact float update for ideal weights.
    /// </summary>
    public void UpdateWeights(ReadOnlySpan<float> x, int xStride, int xOffset, ReadOnlySpan<float> d, int dStride, int dOffset, int batch, float learningRate, OpCounters? counters)
    {
        if (_plus is null)
        {
            for (int b = 0; b < batch; b++)
            {
                var xr = x.Slice(b * xStride + xOffset, Rows);
                var dr = d.Slice(b * dStride + dOffset, Cols);
                for (int i = 0; i < Rows; i++)
                {
                    float s = -learningRate * xr[i];
                    if (s != 0f) Kernels.AxpyFma(s, dr, _w.AsSpan(i * Cols, Cols));
                }
            }
            return;
        }
        long pulses = 0;
        if (Update.PulseType == PulseType.MixedPrecision) pulses = MixedPrecisionUpdate(x, xStride, xOffset, d, dStride, dOffset, batch, learningRate, counters);
        else
            for (int b = 0; b < batch; b++)
            {
                var xr = x.Slice(b * xStride + xOffset, Rows);
                var dr = d.Slice(b * dStride + dOffset, Cols);
                pulses += Update.PulseType == PulseType.Stochastic ? StochasticUpdate(xr, dr, learningRate) : DeterministicUpdate(xr, dr, learningRate);
                // One update event per sample's outer product.
                Advance();
            }
        if (_minus != null) Refresh(counters);
        SyncWeights();
        counters?.Add(Op.ProgrammingPulse, pulses);
    }

    private float DwMin => _plus!.Params.DwMin;
    private float[]? _chi;

    /// <summary>Digital accumulator χ of mixed-precision training (rows × cols); null until the first such update.</summary>
    public ReadOnlySpan<float> Accumulator => _chi;

    private long MixedPrecisionUpdate(ReadOnlySpan<float> x, int xStride, int xOffset, ReadOnlySpan<float> d, int dStride, int dOffset, int batch, float lr, OpCounters? counters)
    {
        _chi ??= new float[Rows * Cols];
        for (int b = 0; b < batch; b++)
        {
            var xr = x.Slice(b * xStride + xOffset, Rows);
            var dr = d.Slice(b * dStride + dOffset, Cols);
            for (int i = 0; i < Rows; i++)
            {
                float s = -lr * xr[i];
                if (s != 0f) Kernels.AxpyFma(s, dr, _chi.AsSpan(i * Cols, Cols));
            }
        }
        counters?.Add(Op.Accumulate, (long)batch * Rows * Cols);
        float eps = DwMin;
        long pulses = 0;
        for (int k = 0; k < _chi.Length; k++)
        {
            float c = _chi[k];
            if (MathF.Abs(c) < eps) continue;
            int n = (int)(MathF.Abs(c) / eps);
            Pulse(k, c > 0, n);
            _chi[k] = c - MathF.Sign(c) * n * eps;
            pulses += n;
        }
        // The transfer of the accumulator is one update event.
        Advance();
        return pulses;
    }

    private long StochasticUpdate(ReadOnlySpan<float> x, ReadOnlySpan<float> d, float lr)
    {
        float xmax = MathF.Abs(TensorPrimitives.MaxMagnitude(x)), dmax = MathF.Abs(TensorPrimitives.MaxMagnitude(d));
        if (xmax == 0f || dmax == 0f) return 0;
        float dw = DwMin;
        int bl = Update.DesiredBL;
        if (Update.BLManagement) bl = Math.Clamp((int)MathF.Ceiling(lr * xmax * dmax / dw), 1, Update.DesiredBL);
        float a = MathF.Sqrt(lr / (bl * dw));
        float k = Update.UpdateManagement ? MathF.Sqrt(dmax / xmax) : 1f;
        float ax = a * k, ad = a / k;
        int nr = Trains(x, ax, bl, _rowMask, _rowIdx);
        if (nr == 0) return 0;
        int nc = Trains(d, ad, bl, _colMask, _colIdx);
        if (nc == 0) return 0;
        if (_packed.Length != 0)
            for (int jj = 0; jj < nc; jj++) { int j = _colIdx[jj]; _dPos[j] = d[j] > 0 ? 1 : 0; }
        // Slot by slot, as the hardware fires them: in slot t every row line with bit t set meets
        // every column line with bit t set, and each meeting is one pulse on that device. The lines
        // of each slot are listed once (counting sort by slot, ascending line order kept), so the
        // loops below visit only the firing lines.
        SlotLists(_rowIdx, nr, _rowMask, bl, _rowStart, _rowBySlot);
        SlotLists(_colIdx, nc, _colMask, bl, _colStart, _colSlot);
        if (_packed.Length != 0) return PulseSlots(x, bl);
        long pulses = 0;
        for (int t = 0; t < bl; t++)
        {
            int c0 = _colStart[t], nct = _colStart[t + 1] - c0;
            if (nct == 0) continue;
            for (int ii = _rowStart[t]; ii < _rowStart[t + 1]; ii++)
            {
                int i = _rowBySlot[ii];
                bool xPos = x[i] > 0;
                int rowBase = i * Cols;
                for (int jj = c0; jj < c0 + nct; jj++)
                {
                    int j = _colSlot[jj];
                    // Descent: Δw has the sign of −x_i δ_j.
                    Pulse(rowBase + j, xPos != (d[j] > 0), 1);
                }
                pulses += nct;
            }
        }
        return pulses;
    }

    /// <summary>The lines firing in each slot t: list[start[t] … start[t + 1]), in the order of <paramref name="idx"/>.</summary>
    private static void SlotLists(int[] idx, int n, ulong[] mask, int bl, int[] start, int[] list)
    {
        Array.Clear(start, 0, bl + 1);
        for (int q = 0; q < n; q++)
            for (ulong bits = mask[idx[q]]; bits != 0; bits &= bits - 1) start[BitOperations.TrailingZeroCount(bits) + 1]++;
        for (int t = 0; t < bl; t++) start[t + 1] += start[t];
        for (int q = 0; q < n; q++)
        {
            int line = idx[q];
            for (ulong bits = mask[line]; bits != 0; bits &= bits - 1) list[start[BitOperations.TrailingZeroCount(bits)]++] = line;
        }
        // The fill advanced each start[t] to the end of slot t, i.e. to the old start[t + 1]: shift back.
        for (int t = bl; t > 0; t--) start[t] = start[t - 1];
        start[0] = 0;
    }

    /// <summary>
    /// Draws a Bernoulli train (bit t set with probability min(1, scale·|v_i|)) for every nonzero
    /// line; returns the active lines. Sixteen lines at a time: the non-zero lines are packed
    /// (VCOMPRESSPS), and each pair of slots takes one counter-based Philox draw per line
    /// (component tile.pulse-train; counter = this tile's train number and the line's place in
    /// the packed list), so the trains are reproducible and independent of threads.
    /// </summary>
    private int Trains(ReadOnlySpan<float> v, float scale, int bl, ulong[] mask, int[] idx)
    {
        ulong call = _trainCalls++;
        int n = v.Length, count = 0;
        if (_prob.Length < n + 16) { _prob = new float[n + 16]; _cand = new int[n + 16]; }
        ref float rv = ref MemoryMarshal.GetReference(v);
        ref float rp = ref MemoryMarshal.GetArrayDataReference(_prob);
        ref int rc = ref MemoryMarshal.GetArrayDataReference(_cand);
        var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var vscale = Vector512.Create(scale);
        int i = 0, k = 0;
        if (Avx512F.IsSupported)
            for (; i <= n - 16; i += 16)
            {
                var p = Vector512.Min(Vector512<float>.One, vscale * Vector512.Abs(Vector512.LoadUnsafe(ref rv, (nuint)i)));
                var on = Vector512.GreaterThan(p, Vector512<float>.Zero);
                Avx512F.Compress(Vector512<float>.Zero, on, p).StoreUnsafe(ref rp, (nuint)k);
                Avx512F.Compress(Vector512<int>.Zero, on.AsInt32(), lane + Vector512.Create(i)).StoreUnsafe(ref rc, (nuint)k);
                k += System.Numerics.BitOperations.PopCount(on.ExtractMostSignificantBits());
            }
        for (; i < n; i++)
        {
            float p = MathF.Min(1f, scale * MathF.Abs(v[i]));
            if (p > 0f) { _prob[k] = p; _cand[k] = i; k++; }
        }
        var ulane = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int c0 = 0; c0 < k; c0 += 16)
        {
            var p = Vector512.LoadUnsafe(ref rp, (nuint)c0);
            var index = ulane + Vector512.Create((uint)c0);
            Vector512<ulong> lo = default, hi = default;   // trains of lanes 0–7 and 8–15
            for (int t = 0; t < bl; t += 2)
            {
                var (u0, u1) = DeviceRandom.Uniform16(_seed, CompTrain, index, Vector512.Create((uint)call), (uint)(call >> 32) ^ ((uint)t << 24) ^ _id);
                var (l0, h0) = Vector512.Widen(Vector512.LessThan(u0, p).AsUInt32() & Vector512<uint>.One);
                lo |= l0 << t; hi |= h0 << t;
                if (t + 1 < bl)
                {
                    var (l1, h1) = Vector512.Widen(Vector512.LessThan(u1, p).AsUInt32() & Vector512<uint>.One);
                    lo |= l1 << (t + 1); hi |= h1 << (t + 1);
                }
            }
            int m = Math.Min(16, k - c0);
            lo.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(_trainBits));
            hi.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(_trainBits), 8);
            for (int l = 0; l < m; l++)
            {
                ulong bits = _trainBits[l];
                if (bits == 0) continue;
                int line = _cand[c0 + l];
                mask[line] = bits; idx[count++] = line;
            }
        }
        return count;
    }

    private long DeterministicUpdate(ReadOnlySpan<float> x, ReadOnlySpan<float> d, float lr)
    {
        float c = lr / DwMin;
        long pulses = 0;
        for (int i = 0; i < Rows; i++)
        {
            if (x[i] == 0f) continue;
            float ci = c * x[i];
            for (int j = 0; j < Cols; j++)
            {
                int n = (int)MathF.Round(MathF.Abs(ci * d[j]));
                if (n == 0) continue;
                Pulse(i * Cols + j, (x[i] > 0) != (d[j] > 0), n);
                pulses += n;
            }
        }
        return pulses;
    }

    /// <summary><paramref name="n"/> pulses on weight <paramref name="device"/>'s selected cell.</summary>
    private void Pulse(int device, bool up, int n)
    {
        device += _off;
        PulsedDeviceArray a;
        if (_minus is null) a = _plus!;
        else { a = up ? _plus! : _minus; up = true; }
        if (!_fastPulses) { a.ApplyPulses(device, up ? n : -n); return; }
        // The device's step law s(w) (PulsedDeviceArray.MeanStep) with its cycle-to-cycle noise and
        // per-device bounds, one pulse at a time; noise from the tile's counter-keyed normal pool.
        var p = a.Params;
        float lo = a.LowerBounds[device], hi = a.UpperBounds[device];
        float w = a.State[device];
        for (int k = 0; k < n; k++)
        {
            float s = a.MeanStep(device, w, up);
            float xi = NextPulseNormal();
            float dd = p.AdditiveNoise ? s + p.DwMinStd * p.DwMin * xi : s * (1f + p.DwMinStd * xi);
            w = Math.Clamp(up ? w + dd : w - dd, lo, hi);
        }
        a.Program(device, w);
    }

    /// <summary>
    /// The slot loop of <see cref="StochasticUpdate"/> for single-device tiles on the fast path, the
    /// per-pulse work of <see cref="Pulse"/> hoisted: the same step law, noise draws in the same
    /// order and the same clamp, so the states are bit-identical to pulsing one by one.
    /// </summary>
    private long PulseSlots(ReadOnlySpan<float> x, int bl)
    {
        var a = _plus!;
        var p = a.Params;
        // The selected cell's devices (offset k·rows·cols; Boybat arbitration).
        ref float w = ref Unsafe.Add(ref MemoryMarshal.GetReference(a.HiddenStateForPulses), _off);
        ref float pk = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_packed), 4 * _off);
        ref int dPos = ref MemoryMarshal.GetArrayDataReference(_dPos);
        bool constant = p.Model == PulsedModel.ConstantStep, additive = p.AdditiveNoise;
        float std = p.DwMinStd, addStd = p.DwMinStd * p.DwMin;
        var pool = _pool;
        int pos = _poolPos, cols = Cols;
        long pulses = 0;
        for (int t = 0; t < bl; t++)
        {
            int c0 = _colStart[t], n = _colStart[t + 1] - c0;
            if (n == 0) continue;
            ref int slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_colSlot), c0);
            for (int ii = _rowStart[t]; ii < _rowStart[t + 1]; ii++)
            {
                int i = _rowBySlot[ii];
                int xp = x[i] > 0 ? 1 : 0, rowBase = i * cols;
                for (int jj = 0; jj < n; jj++)
                {
                    int k = rowBase + Unsafe.Add(ref slot, jj);
                    // Descent: Δw has the sign of −x_i δ_j; the packed record is (Δw↓, Δw↑, w_min, w_max).
                    int up = xp ^ Unsafe.Add(ref dPos, k - rowBase);
                    ref float rec = ref Unsafe.Add(ref pk, 4 * k);
                    float wk = Unsafe.Add(ref w, k);
                    float s = constant ? MathF.Max(Unsafe.Add(ref rec, up), 0f) : a.MeanStep(k, wk, up != 0);
                    if (pos == pool.Length) { _poolPos = pos; RefillPool(); pos = 0; }
                    float xi = pool[pos++];
                    float dd = additive ? s + addStd * xi : s * (1f + std * xi);
                    // w − dd is w + (−dd) exactly, so the signed form equals the two-branch one bit for bit.
                    Unsafe.Add(ref w, k) = Math.Clamp(wk + (2 * up - 1) * dd, Unsafe.Add(ref rec, 2), Unsafe.Add(ref rec, 3));
                }
                pulses += n;
            }
        }
        _poolPos = pos;
        return pulses;
    }

    private float NextPulseNormal()
    {
        if (_poolPos == _pool.Length) RefillPool();
        return _pool[_poolPos++];
    }

    private void RefillPool()
    {
        var lane = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        ulong block = _poolBlock++;
        for (int j = 0; j < _pool.Length; j += 16)
            DeviceRandom.Normal16(_seed, CompPulse, Vector512.Create(_id * 0x100000u + (uint)j) + lane, Vector512.Create((uint)block), (uint)(block >> 32)).CopyTo(_pool.AsSpan(j, 16));
        _poolPos = 0;
    }

    /// <summary>Differential pairs: a pair (each of the N cells of a weight on its own) whose g⁺ or g⁻ passed the refresh threshold is reset and reprogrammed to the same difference (aihwkit OneSidedUnitCell refresh).</summary>
    private void Refresh(OpCounters? counters)
    {
        var gp = _plus!.State; var gm = _minus!.State;
        float thr = Update.RefreshThreshold * _plus.Params.WMax;
        long n = 0;
        for (int i = 0; i < gp.Length; i++)
        {
            if (gp[i] < thr && gm[i] < thr) continue;
            ProgramPair(i, gp[i] - gm[i]);
            n++;
        }
        Refreshes += n;
        counters?.Add(Op.ProgrammingPulse, 2 * n);
    }
}
