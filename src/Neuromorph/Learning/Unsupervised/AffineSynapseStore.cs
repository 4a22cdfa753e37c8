using Neuromorph.Devices;

namespace Neuromorph.Learning.Unsupervised;

/// <summary>
/// A synapse store seen through an affine map of its weights, w = a + b·w_inner (b &gt; 0). Used to
/// hold the non-negative weights of a network (Diehl &amp; Cook, w ∈ [0, 1]) in one device against a
/// mid-range reference (inner weights in [−1, 1]): a = b = ½ maps the device's whole conductance
/// range onto [0, 1], w = (G − G_min)/(G_max − G_min). Requests are passed on as
/// Δw_inner = Δw/b and <see cref="Set"/> as (w − a)/b, so the inner store (and its device model)
/// decides every change; <see cref="Weights"/> is refreshed from the inner store after each call.
/// </summary>
public sealed class AffineSynapseStore : ISynapseStore
{
    private readonly float[] _w;
    private readonly float _a, _b;

    /// <summary>Wraps <paramref name="inner"/> with w = <paramref name="offset"/> + <paramref name="scale"/>·w_inner.</summary>
    public AffineSynapseStore(ISynapseStore inner, float offset, float scale)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!(scale > 0) || float.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive and finite");
        if (!float.IsFinite(offset)) throw new ArgumentOutOfRangeException(nameof(offset), offset, "offset must be finite");
        Inner = inner; _a = offset; _b = scale;
        _w = new float[inner.Count];
        var wi = inner.Weights;
        for (int s = 0; s < _w.Length; s++) _w[s] = _a + _b * wi[s];
    }

    /// <summary>The wrapped store.</summary>
    public ISynapseStore Inner { get; }
    /// <inheritdoc/>
    public int Count => _w.Length;
    /// <inheritdoc/>
    public float MinWeight => _a + _b * Inner.MinWeight;
    /// <inheritdoc/>
    public float MaxWeight => _a + _b * Inner.MaxWeight;
    /// <inheritdoc/>
    public ReadOnlySpan<float> Weights => _w;

    /// <inheritdoc/>
    public void Update(int synapse, float delta)
    {
        Inner.Update(synapse, delta / _b);
        _w[synapse] = _a + _b * Inner.Weights[synapse];
    }

    /// <inheritdoc/>
    public void Set(int synapse, float weight)
    {
        Inner.Set(synapse, (weight - _a) / _b);
        _w[synapse] = _a + _b * Inner.Weights[synapse];
    }
}
