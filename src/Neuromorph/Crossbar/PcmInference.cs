using Neuromorph.Devices;

namespace Neuromorph.Crossbar;

/// <summary>
/// A trained weight matrix programmed onto PCM differential pairs for inference over time
/// (Joshi et al. 2020, Nat. Commun. 11:2473; aihwkit PCMLikeNoiseModel): W is scaled so max|W|
/// maps to g_max, G⁺ = s·max(W, 0), G⁻ = s·max(−W, 0) are written by program-and-verify (with
/// the state-dependent programming noise of <see cref="PcmDeviceArray.Program"/>), and a read
/// at time t since programming returns W(t) = (G⁺(t) − G⁻(t))/s with each device's drift
/// G(t) = G(t_c)(t/t_c)^(−ν) and 1/f read noise. With N pairs per weight (multi-memristive
/// synapse, Boybat et al. 2018, Nat. Commun. 9:2514) every pair is programmed to the same
/// target and the column current sums them: W(t) = Σ_k (G⁺_k(t) − G⁻_k(t))/(N·s), so the
/// independent programming noise, drift exponents and read noise of the pairs average out
/// (their spread falls as 1/√N) at N times the devices and read current.
/// </summary>
public sealed class PcmProgrammedMatrix
{
    private readonly float[] _gp, _gm;

    /// <summary>Programs <paramref name="w"/> (inputs × outputs) onto <paramref name="devicesPerWeight"/> differential pairs per weight.</summary>
    public PcmProgrammedMatrix(ReadOnlySpan<float> w, int inputs, int outputs, PcmParams p, ulong seed, int devicesPerWeight = 1)
    {
        if (w.Length != inputs * outputs) throw new ArgumentException($"expected {inputs * outputs} weights, got {w.Length}", nameof(w));
        if (devicesPerWeight < 1) throw new ArgumentOutOfRangeException(nameof(devicesPerWeight), devicesPerWeight, "at least one device pair per weight");
        Inputs = inputs; Outputs = outputs; DevicesPerWeight = devicesPerWeight;
        float wmax = 0f;
        foreach (var v in w) wmax = MathF.Max(wmax, MathF.Abs(v));
        if (wmax == 0f) wmax = 1f;
        Scale = (float)(p.GMax / wmax);
        int n = w.Length;
        // Pair k of weight i is device k·n + i of each array.
        Plus = new PcmDeviceArray(n * devicesPerWeight, p, seed ^ 0x1234_5678_9ABCul);
        Minus = new PcmDeviceArray(n * devicesPerWeight, p, seed ^ 0x0FED_CBA9_8765ul);
        for (int k = 0; k < devicesPerWeight; k++)
            for (int i = 0; i < n; i++)
            {
                Plus.Program(k * n + i, Scale * MathF.Max(w[i], 0f));
                Minus.Program(k * n + i, Scale * MathF.Max(-w[i], 0f));
            }
        _gp = new float[n * devicesPerWeight]; _gm = new float[n * devicesPerWeight];
    }

    /// <summary>Rows.</summary>
    public int Inputs { get; }
    /// <summary>Columns.</summary>
    public int Outputs { get; }
    /// <summary>Differential pairs per weight (N).</summary>
    public int DevicesPerWeight { get; }
    /// <summary>Conductance per weight unit s = g_max/max|W| (S).</summary>
    public float Scale { get; }
    /// <summary>G⁺ devices (pair k of weight i at k·inputs·outputs + i).</summary>
    public PcmDeviceArray Plus { get; }
    /// <summary>G⁻ devices (same layout).</summary>
    public PcmDeviceArray Minus { get; }

    /// <summary>W(t) = Σ_k (G⁺_k(t) − G⁻_k(t))/(N·s), with read noise keyed by <paramref name="readIndex"/> (or noise-free drift when <paramref name="readNoise"/> is false).</summary>
    public void WeightsAt(double t, Span<float> w, uint readIndex, bool readNoise = true)
    {
        int n = Inputs * Outputs;
        if (w.Length != n) throw new ArgumentException($"expected {n} values", nameof(w));
        if (readNoise) { Plus.Read(t, _gp, readIndex); Minus.Read(t, _gm, readIndex); }
        else { Plus.Drifted(t, _gp); Minus.Drifted(t, _gm); }
        CellMapping.SumCells(_gp, _gm, DevicesPerWeight, w);
        System.Numerics.Tensors.TensorPrimitives.Multiply(w, 1f / (Scale * DevicesPerWeight), w);
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
