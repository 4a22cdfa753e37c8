using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Learning.Deep;
using Neuromorph.Numerics;

namespace Neuromorph.Crossbar;

/// <summary>Everything that configures an analog layer (aihwkit's rpu_config): device, mapping, periphery, update, tile size.</summary>
public sealed record AnalogConfig
{
    /// <summary>Device model; null = ideal float weights behind the analog periphery.</summary>
    public PulsedDeviceParams? Device { get; init; } = PulsedPresets.GokmenVlasov2016;
    /// <summary>Weight-to-device mapping.</summary>
    public CellMapping Mapping { get; init; } = CellMapping.Single;
    /// <summary>Forward periphery.</summary>
    public IoParams Forward { get; init; } = IoParams.Preset;
    /// <summary>Backward periphery.</summary>
    public IoParams Backward { get; init; } = IoParams.PresetBackward;
    /// <summary>Update scheme.</summary>
    public UpdateParams Update { get; init; } = new();
    /// <summary>Largest tile rows (inputs); larger layers are split, partial sums added digitally.</summary>
    public int TileRows { get; init; } = 512;
    /// <summary>Largest tile columns (outputs).</summary>
    public int TileCols { get; init; } = 512;
}

/// <summary>
/// A weight matrix of any size on a grid of <see cref="AnalogTile"/>s of at most
/// <see cref="AnalogConfig.TileRows"/> × <see cref="AnalogConfig.TileCols"/>: each tile computes
/// its block's MVM through its own periphery, and partial outputs of tiles sharing output
/// columns are added digitally (counted as <see cref="Op.Accumulate"/>). Implements
/// <see cref="IWeightMatrix"/>, so a <see cref="Dense"/> layer runs on it unchanged. The update
/// uses only the optimizer's learning rate (analog SGD: the devices integrate the pulses).
/// </summary>
public sealed class AnalogMatrix : IWeightMatrix
{
    private readonly AnalogTile[,] _tiles;
    private readonly int[] _r0, _c0;
    private float[] _part = [];

    /// <summary>Creates the tile grid for an inputs × outputs matrix.</summary>
    public AnalogMatrix(int inputs, int outputs, AnalogConfig config, ulong seed, uint layerId = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (inputs < 1 || outputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), $"a weight matrix needs ≥ 1 input and output (got {inputs}×{outputs})");
        if (config.TileRows < 1 || config.TileCols < 1) throw new ArgumentOutOfRangeException(nameof(config), "tile_size must be ≥ 1");
        Inputs = inputs; Outputs = outputs; Config = config;
        int tr = (inputs + config.TileRows - 1) / config.TileRows, tc = (outputs + config.TileCols - 1) / config.TileCols;
        _tiles = new AnalogTile[tr, tc];
        _r0 = new int[tr + 1]; _c0 = new int[tc + 1];
        // Equal split: 784 rows on 512-row tiles become 392 + 392.
        for (int r = 0; r <= tr; r++) _r0[r] = (int)((long)inputs * r / tr);
        for (int c = 0; c <= tc; c++) _c0[c] = (int)((long)outputs * c / tc);
        for (int r = 0; r < tr; r++)
            for (int c = 0; c < tc; c++)
                _tiles[r, c] = new AnalogTile(_r0[r + 1] - _r0[r], _c0[c + 1] - _c0[c], config.Device, config.Mapping, config.Forward, config.Backward, config.Update,
                    seed, layerId * 4096u + (uint)(r * tc + c));
    }

    /// <inheritdoc/>
    public int Inputs { get; }
    /// <inheritdoc/>
    public int Outputs { get; }
    /// <summary>The configuration.</summary>
    public AnalogConfig Config { get; }
    /// <summary>Tiles along the input dimension.</summary>
    public int TileRowCount => _tiles.GetLength(0);
    /// <summary>Tiles along the output dimension.</summary>
    public int TileColCount => _tiles.GetLength(1);
    /// <summary>The tile at grid position (r, c).</summary>
    public AnalogTile Tile(int r, int c) => _tiles[r, c];
    /// <inheritdoc/>
    public OpCounters? Counters { get; set; }

    private Span<float> Part(int n)
    {
        if (_part.Length < n) _part = new float[n];
        return _part.AsSpan(0, n);
    }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> x, Span<float> y, int batch, bool training) => TileProducts(x, y, batch, transposed: false);

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> dy, Span<float> dx, int batch) => TileProducts(dy, dx, batch, transposed: true);

    /// <summary>
    /// y ← W·v (or Wᵀ·v when <paramref name="transposed"/>) over the tile grid: each output block is
    /// the digital sum of the analog products of the tiles along its input blocks.
    /// </summary>
    private void TileProducts(ReadOnlySpan<float> v, Span<float> y, int batch, bool transposed)
    {
        int inWidth = transposed ? Outputs : Inputs, outWidth = transposed ? Inputs : Outputs;
        int[] outEdges = transposed ? _r0 : _c0, inEdges = transposed ? _c0 : _r0;
        y[..(batch * outWidth)].Clear();
        for (int o = 0; o < outEdges.Length - 1; o++)
        {
            int o0 = outEdges[o], w = outEdges[o + 1] - o0;
            var part = Part(batch * w);
            for (int i = 0; i < inEdges.Length - 1; i++)
            {
                var tile = transposed ? _tiles[o, i] : _tiles[i, o];
                tile.Mvm(v, inWidth, inEdges[i], part, batch, transposed, Counters);
                for (int b = 0; b < batch; b++)
                    System.Numerics.Tensors.TensorPrimitives.Add(y.Slice(b * outWidth + o0, w), part.Slice(b * w, w), y.Slice(b * outWidth + o0, w));
                if (i > 0) Counters?.Add(Op.Accumulate, (long)batch * w);
            }
        }
    }

    /// <inheritdoc/>
    public void Bind(Optimizer optimizer) { }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        int tiles = TileRowCount * TileColCount;
        float lr = optimizer.LearningRate;
        if (tiles == 1) { _tiles[0, 0].UpdateWeights(x, Inputs, 0, dy, Outputs, 0, batch, lr, Counters); return; }
        // Tiles hold their own devices and random streams, so they update in parallel with the same
        // result as in sequence; each counts into its own counters, added afterwards in tile order.
        if (_tileCounts.Length != tiles) _tileCounts = [.. Enumerable.Range(0, tiles).Select(_ => new OpCounters())];
        var counted = Counters is not null;
        unsafe
        {
            fixed (float* px = x) fixed (float* pd = dy)
            {
                nint ix = (nint)px, id = (nint)pd;
                int lx = x.Length, ld = dy.Length;
                Parallelism.RunParts(tiles, t =>
                {
                    int r = t / TileColCount, c = t % TileColCount;
                    _tiles[r, c].UpdateWeights(new ReadOnlySpan<float>((float*)ix, lx), Inputs, _r0[r], new ReadOnlySpan<float>((float*)id, ld), Outputs, _c0[c], batch, lr, counted ? _tileCounts[t] : null);
                });
            }
        }
        if (counted)
            foreach (var tc in _tileCounts) { Counters!.Add(tc); tc.Clear(); }
    }

    private OpCounters[] _tileCounts = [];

    /// <inheritdoc/>
    public void ReadWeights(Span<float> w)
    {
        if (w.Length < Inputs * Outputs) throw new ArgumentException($"need {Inputs * Outputs} values", nameof(w));
        for (int r = 0; r < TileRowCount; r++)
            for (int c = 0; c < TileColCount; c++)
            {
                var t = _tiles[r, c];
                var tw = t.Weights;
                for (int i = 0; i < t.Rows; i++) tw.Slice(i * t.Cols, t.Cols).CopyTo(w.Slice((_r0[r] + i) * Outputs + _c0[c], t.Cols));
            }
    }

    /// <inheritdoc/>
    public void WriteWeights(ReadOnlySpan<float> w)
    {
        if (w.Length != Inputs * Outputs) throw new ArgumentException($"expected {Inputs * Outputs} weights, got {w.Length}", nameof(w));
        for (int r = 0; r < TileRowCount; r++)
            for (int c = 0; c < TileColCount; c++)
            {
                var t = _tiles[r, c];
                var tw = new float[t.Rows * t.Cols];
                for (int i = 0; i < t.Rows; i++) w.Slice((_r0[r] + i) * Outputs + _c0[c], t.Cols).CopyTo(tw.AsSpan(i * t.Cols, t.Cols));
                t.Program(tw);
            }
    }
}
