namespace Neuromorph.Devices;

/// <summary>
/// The substrate seam for synaptic weights (DESIGN.md principle 2). A learning rule asks the
/// store for a change Δw of one synapse; an ideal store adds the float and clips it to
/// [<see cref="MinWeight"/>, <see cref="MaxWeight"/>]; a device-backed store turns the request
/// into programming pulses on its device model (nonlinearity, bounds, noise, variability) and
/// exposes the weight the device actually holds. Spike delivery and inference read
/// <see cref="Weights"/>; rules never need to know which store they run on.
/// </summary>
/// <remarks>
/// Synapses are addressed by a flat index (e.g. the CSR position in a spiking projection, or
/// row·cols + col in a dense matrix). Implementations are not thread-safe for concurrent
/// updates of the same synapse; engines partition synapses between threads.
/// </remarks>
public interface ISynapseStore
{
    /// <summary>Number of synapses.</summary>
    int Count { get; }

    /// <summary>Lower weight bound (the weight of the lowest reachable device state).</summary>
    float MinWeight { get; }

    /// <summary>Upper weight bound.</summary>
    float MaxWeight { get; }

    /// <summary>The current effective weights, one per synapse, as delivery and inference read them.</summary>
    ReadOnlySpan<float> Weights { get; }

    /// <summary>Requests a weight change Δw of one synapse; the store decides what the substrate really does.</summary>
    void Update(int synapse, float delta);

    /// <summary>Programs one synapse to a target weight (initialisation, normalisation, transfer).</summary>
    void Set(int synapse, float weight);
}

/// <summary>Ideal float weights: w ← clip(w + Δw, w_min, w_max). The reference substrate.</summary>
public sealed class IdealSynapseStore : ISynapseStore
{
    private readonly float[] _w;

    /// <summary>Creates <paramref name="count"/> synapses initialised to <paramref name="initial"/>.</summary>
    public IdealSynapseStore(int count, float minWeight = float.NegativeInfinity, float maxWeight = float.PositiveInfinity, float initial = 0f)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be ≥ 0");
        if (!(minWeight <= maxWeight)) throw new ArgumentException($"minWeight ({minWeight}) must be ≤ maxWeight ({maxWeight})");
        _w = new float[count];
        MinWeight = minWeight; MaxWeight = maxWeight;
        Array.Fill(_w, Math.Clamp(initial, minWeight, maxWeight));
    }

    /// <inheritdoc/>
    public int Count => _w.Length;
    /// <inheritdoc/>
    public float MinWeight { get; }
    /// <inheritdoc/>
    public float MaxWeight { get; }
    /// <inheritdoc/>
    public ReadOnlySpan<float> Weights => _w;
    /// <summary>Writable view, for bulk initialisation.</summary>
    public Span<float> RawWeights => _w;

    /// <inheritdoc/>
    public void Update(int synapse, float delta) => _w[synapse] = Math.Clamp(_w[synapse] + delta, MinWeight, MaxWeight);

    /// <inheritdoc/>
    public void Set(int synapse, float weight) => _w[synapse] = Math.Clamp(weight, MinWeight, MaxWeight);
}
