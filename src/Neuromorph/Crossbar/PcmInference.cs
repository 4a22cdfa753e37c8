using Neuromorph.Devices;

namespace Neuromorph.Crossbar;

/// <summary>
/// A trained weight matrix programmed onto PCM differential pairs for inference over time
/// (Joshi et al. 2020, Nat. Commun. 11:2473; aihwkit PCMLikeNoiseModel): W is scaled so max|W|
/// maps to g_max, G⁺ = s·max(W, 0), G⁻ = s·max(−W, 0) are written by program-and-verify (with
/// the state-dependent programming noise of <see cref="PcmDeviceArray.Program"/>), and a read
/// at time t since programming returns W(t) = (G⁺(t) − G⁻(t))/s with each device's drift
/// G(t) = G(t_c)(t/t_c)^(−ν) and 1/f read noise.
/// </summary>
public sealed class PcmProgrammedMatrix
{
    private readonly float[] _gp, _gm;

    /// <summary>Programs <paramref name="w"/> (inputs × outputs).</summary>
    public PcmProgrammedMatrix(ReadOnlySpan<float> w, int inputs, int outputs, PcmParams p, ulong seed)
    {
        if (w.Length != inputs * outputs) throw new ArgumentException($"expected {inputs * outputs} weights, got {w.Length}", nameof(w));
        Inputs = inputs; Outputs = outputs;
        float wmax = 0f;
        foreach (var v in w) wmax = MathF.Max(wmax, MathF.Abs(v));
        if (wmax == 0f) wmax = 1f;
        Scale = (float)(p.GMax / wmax);
        Plus = new PcmDeviceArray(w.Length, p, seed ^ 0x1234_5678_9ABCul);
        Minus = new PcmDeviceArray(w.Length, p, seed ^ 0x0FED_CBA9_8765ul);
        for (int i = 0; i < w.Length; i++)
        {
            Plus.Program(i, Scale * MathF.Max(w[i], 0f));
            Minus.Program(i, Scale * MathF.Max(-w[i], 0f));
        }
        _gp = new float[w.Length]; _gm = new float[w.Length];
    }

    /// <summary>Rows.</summary>
    public int Inputs { get; }
    /// <summary>Columns.</summary>
    public int Outputs { get; }
    /// <summary>Conductance per weight unit s = g_max/max|W| (S).</summary>
    public float Scale { get; }
    /// <summary>G⁺ devices.</summary>
    public PcmDeviceArray Plus { get; }
    /// <summary>G⁻ devices.</summary>
    public PcmDeviceArray Minus { get; }

    /// <summary>W(t) = (G⁺(t) − G⁻(t))/s, with read noise keyed by <paramref name="readIndex"/> (or noise-free drift when <paramref name="readNoise"/> is false).</summary>
    public void WeightsAt(double t, Span<float> w, uint readIndex, bool readNoise = true)
    {
        if (w.Length != _gp.Length) throw new ArgumentException($"expected {_gp.Length} values", nameof(w));
        if (readNoise) { Plus.Read(t, _gp, readIndex); Minus.Read(t, _gm, readIndex); }
        else { Plus.Drifted(t, _gp); Minus.Drifted(t, _gm); }
        float inv = 1f / Scale;
        for (int i = 0; i < w.Length; i++) w[i] = (_gp[i] - _gm[i]) * inv;
    }
}

/// <summary>
/// Global drift compensation (Joshi et al. 2020, Nat. Commun. 11:2473, "global drift
/// compensation"; aihwkit GlobalDriftCompensation): right after programming the array is read
/// with a calibration input (all ones) and Σ_j |y_j(t₀)| stored; at time t the same read gives
/// Σ_j |y_j(t)|, and every output of the layer is multiplied by α(t) = Σ|y(t₀)| / Σ|y(t)|, which
/// undoes the mean conductance decay of drift with one digital scale per layer.
/// </summary>
public static class DriftCompensation
{
    /// <summary>Σ_j |Σ_i W_ij| (the calibration read with x = 1).</summary>
    public static double Readout(ReadOnlySpan<float> w, int inputs, int outputs)
    {
        var col = new double[outputs];
        for (int i = 0; i < inputs; i++)
            for (int j = 0; j < outputs; j++) col[j] += w[i * outputs + j];
        double s = 0;
        foreach (var v in col) s += Math.Abs(v);
        return s;
    }

    /// <summary>α(t) = reference / Readout(W(t)).</summary>
    public static float Factor(double reference, ReadOnlySpan<float> wt, int inputs, int outputs)
    {
        double r = Readout(wt, inputs, outputs);
        return r > 0 ? (float)(reference / r) : 1f;
    }
}
