using System.Numerics.Tensors;
using Neuromorph.Numerics;

namespace Neuromorph.Reservoir;

/// <summary>
/// Online recursive-least-squares readout, as used by FORCE learning (Sussillo &amp; Abbott 2009,
/// Neuron 63, 544): with r the state (plus a constant 1 for the bias), P⁰ = I/α,
/// k = P·r / (1 + rᵀ·P·r), e = Wᵀr − y (error before the update), W ← W − k·eᵀ, P ← P − k·rᵀ·P.
/// P is kept in double precision; each update costs O(d²) for d = features + 1.
/// </summary>
public sealed class RlsReadout
{
    private readonly int _f, _o, _d;
    private readonly double[] _p, _w, _r, _pr;

    /// <summary>Creates the readout with P = I/α (α is the learning-rate regulariser of FORCE).</summary>
    public RlsReadout(int features, int outputs, double alpha = 1.0)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "features must be ≥ 1");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "outputs must be ≥ 1");
        if (!(alpha > 0) || !double.IsFinite(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be finite and > 0");
        _f = features; _o = outputs; _d = features + 1;
        _p = new double[_d * _d]; _w = new double[_d * _o]; _r = new double[_d]; _pr = new double[_d];
        for (int i = 0; i < _d; i++) _p[i * _d + i] = 1.0 / alpha;
    }

    /// <summary>One RLS update with state <paramref name="x"/> and target <paramref name="y"/>; returns the squared a-priori error. Allocation-free.</summary>
    public double Update(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != _f || y.Length != _o) throw new ArgumentException($"expected {_f} features and {_o} outputs");
        int d = _d;
        for (int i = 0; i < _f; i++) _r[i] = x[i];
        _r[_f] = 1.0;
        for (int i = 0; i < d; i++) _pr[i] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_p, i * d, d), _r);
        double c = 1.0 / (1.0 + TensorPrimitives.Dot<double>(_r, _pr));
        double sq = 0;
        for (int k = 0; k < _o; k++)
        {
            double e = -y[k];
            for (int i = 0; i < d; i++) e += _w[i * _o + k] * _r[i];
            sq += e * e;
            for (int i = 0; i < d; i++) _w[i * _o + k] -= c * _pr[i] * e;
        }
        // P ← P − c·(P r)(P r)ᵀ (P symmetric).
        for (int i = 0; i < d; i++)
        {
            double s = -c * _pr[i];
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(_pr), s, new ReadOnlySpan<double>(_p, i * d, d), new Span<double>(_p, i * d, d));
        }
        return sq;
    }

    /// <summary>The current weights, (features + 1) × outputs, bias last.</summary>
    public float[] Weights()
    {
        var r = new float[_w.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (float)_w[i];
        return r;
    }
}

/// <summary>Error measures of time-series prediction.</summary>
public static class PredictionMetrics
{
    /// <summary>Normalised root-mean-square error √(⟨(ŷ − y)²⟩ / var(y)).</summary>
    public static double Nrmse(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target) => Math.Sqrt(Nmse(prediction, target));

    /// <summary>Normalised mean-square error ⟨(ŷ − y)²⟩ / var(y) (population variance).</summary>
    public static double Nmse(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        Check(prediction, target);
        double mean = 0; foreach (var v in target) mean += v; mean /= target.Length;
        double var = 0, se = 0;
        for (int i = 0; i < target.Length; i++) { double d = target[i] - mean; var += d * d; double e = prediction[i] - target[i]; se += e * e; }
        return var > 0 ? se / var : double.PositiveInfinity;
    }

    /// <summary>Symmetric mean absolute percentage error, in percent: 200·⟨|ŷ − y| / (|ŷ| + |y|)⟩ (NeuroBench, Yik et al. 2024).
    /// A non-finite prediction (a diverged closed loop) counts as the maximum term, 1.</summary>
    public static double Smape(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
    {
        Check(prediction, target);
        double s = 0;
        for (int i = 0; i < target.Length; i++)
        {
            if (!float.IsFinite(prediction[i])) { s += 1; continue; }
            double den = Math.Abs(prediction[i]) + Math.Abs(target[i]);
            if (den > 0) s += Math.Abs(prediction[i] - target[i]) / den;
        }
        return 200.0 * s / target.Length;
    }

    private static void Check(ReadOnlySpan<float> p, ReadOnlySpan<float> t)
    {
        if (p.Length != t.Length) throw new ArgumentException($"prediction has {p.Length} values, target {t.Length}");
        if (t.Length == 0) throw new ArgumentException("empty series");
    }
}
