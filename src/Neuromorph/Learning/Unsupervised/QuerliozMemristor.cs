using Neuromorph.Devices;
using Neuromorph.Numerics;

namespace Neuromorph.Learning.Unsupervised;

/// <summary>
/// Parameters of the memristive synapse model of Querlioz, Bichler, Dollfus &amp; Gamrat 2013
/// ("Immunity to device variations in a spiking neural network with memristive nanodevices",
/// IEEE Trans. Nanotechnol. 12:288), SI units. One potentiating pulse changes the conductance by
/// ΔG⁺ = α⁺·exp(−β⁺·(G − G_min)/(G_max − G_min)), one depressing pulse by
/// ΔG⁻ = −α⁻·exp(−β⁻·(G_max − G)/(G_max − G_min)), both bounded to [G_min, G_max].
/// Device-to-device variability draws each device's α±, β±, G_min, G_max as nominal·(1 + σ_d2d·z)
/// (z standard normal, folded to stay positive, G_max kept above G_min); cycle-to-cycle
/// variability multiplies every pulse's change by (1 + σ_c2c·z).
/// </summary>
/// <param name="GMin">Nominal lowest conductance (S).</param>
/// <param name="GMax">Nominal highest conductance (S).</param>
/// <param name="AlphaPlus">Potentiation step at G_min (S).</param>
/// <param name="AlphaMinus">Depression step at G_max (S).</param>
/// <param name="BetaPlus">Nonlinearity of potentiation (dimensionless).</param>
/// <param name="BetaMinus">Nonlinearity of depression (dimensionless).</param>
/// <param name="DeviceToDevice">Relative standard deviation σ_d2d of every device parameter.</param>
/// <param name="CycleToCycle">Relative standard deviation σ_c2c of each pulse's change.</param>
/// <param name="BoundsDeviceToDevice">Relative spread of G_min and G_max alone; null: the same as <paramref name="DeviceToDevice"/>.</param>
public readonly record struct QuerliozMemristorParams(
    double GMin, double GMax, double AlphaPlus, double AlphaMinus, double BetaPlus, double BetaMinus,
    double DeviceToDevice = 0, double CycleToCycle = 0, double? BoundsDeviceToDevice = null)
{
    /// <summary>
    /// Nominal device of the authors' simulator model of this network (N2D2, CEA LIST,
    /// models/mnist-stdp.ini, Spike_Analog synapse, update law of FcCell_Spike_Analog — eq. (1)):
    /// weights from 10⁻⁴ to 1 of G_max, α⁺ = 0.0017 with β⁺ = 3 ("WeightIncrementDamping = −3"),
    /// α⁻ = 0.0007 with β⁻ = 0 (constant depression step), here with G_max = 10 µS, G_min = 1 nS.
    /// A step near G_min is 0.17 % of the range, so a synapse integrates hundreds of pulses.
    /// Variability is added per experiment.
    /// </summary>
    public static QuerliozMemristorParams Nominal => new(1e-9, 10e-6, 0.0017 * 10e-6, 0.0007 * 10e-6, 3, 0);

    /// <summary>Throws naming the parameter when a value is invalid.</summary>
    public void Validate()
    {
        if (!(GMin >= 0)) throw new ArgumentOutOfRangeException(nameof(GMin), GMin, "GMin must be ≥ 0");
        if (!(GMax > GMin)) throw new ArgumentOutOfRangeException(nameof(GMax), GMax, "GMax must exceed GMin");
        if (!(AlphaPlus > 0)) throw new ArgumentOutOfRangeException(nameof(AlphaPlus), AlphaPlus, "AlphaPlus must be > 0");
        if (!(AlphaMinus > 0)) throw new ArgumentOutOfRangeException(nameof(AlphaMinus), AlphaMinus, "AlphaMinus must be > 0");
        if (!(BetaPlus >= 0)) throw new ArgumentOutOfRangeException(nameof(BetaPlus), BetaPlus, "BetaPlus must be ≥ 0");
        if (!(BetaMinus >= 0)) throw new ArgumentOutOfRangeException(nameof(BetaMinus), BetaMinus, "BetaMinus must be ≥ 0");
        if (!(DeviceToDevice >= 0 && DeviceToDevice <= 10)) throw new ArgumentOutOfRangeException(nameof(DeviceToDevice), DeviceToDevice, "DeviceToDevice must be in [0, 10]");
        if (BoundsDeviceToDevice is { } b && !(b >= 0 && b <= 10)) throw new ArgumentOutOfRangeException(nameof(BoundsDeviceToDevice), b, "BoundsDeviceToDevice must be in [0, 10]");
        if (!(CycleToCycle >= 0 && CycleToCycle <= 10)) throw new ArgumentOutOfRangeException(nameof(CycleToCycle), CycleToCycle, "CycleToCycle must be in [0, 10]");
    }
}

/// <summary>
/// An array of Querlioz 2013 memristors (see <see cref="QuerliozMemristorParams"/>) behind the
/// <see cref="IConductanceArray"/> seam, so <see cref="DeviceSynapseStore"/> programs them.
/// Randomness is keyed by (seed, device, pulse number): the same pulses give the same states
/// on any thread count.
/// </summary>
public sealed class QuerliozMemristorArray : IConductanceArray
{
    private readonly float[] _g, _gMin, _gMax, _aP, _aM, _bP, _bM;
    private readonly uint[] _pulses;
    private readonly ulong _seed;
    private static readonly uint C2c = Philox.ComponentId("querlioz-memristor/c2c");

    /// <summary>Parameters.</summary>
    public QuerliozMemristorParams Params { get; }

    /// <summary>Creates <paramref name="count"/> devices at their lowest conductance with device-to-device draws keyed by <paramref name="seed"/>.</summary>
    public QuerliozMemristorArray(int count, QuerliozMemristorParams p, ulong seed)
    {
        p.Validate();
        Params = p; _seed = seed;
        _g = new float[count]; _gMin = new float[count]; _gMax = new float[count];
        _aP = new float[count]; _aM = new float[count]; _bP = new float[count]; _bM = new float[count];
        _pulses = new uint[count];
        double s = p.DeviceToDevice, sb = p.BoundsDeviceToDevice ?? p.DeviceToDevice;
        for (int d = 0; d < count; d++)
        {
            var r = new RandomStream(seed, "querlioz-memristor/d2d", (uint)d);
            double Draw(double nominal) => nominal * Math.Abs(1 + s * r.NextNormal());
            double DrawBound(double nominal) => nominal * Math.Abs(1 + sb * r.NextNormal());
            double gmin = DrawBound(p.GMin), gmax = DrawBound(p.GMax);
            double span = p.GMax - p.GMin;
            if (gmax < gmin + 0.05 * span) gmax = gmin + 0.05 * span; // a device keeps a usable window
            _gMin[d] = (float)gmin; _gMax[d] = (float)gmax;
            _aP[d] = (float)Draw(p.AlphaPlus); _aM[d] = (float)Draw(p.AlphaMinus);
            _bP[d] = (float)Draw(p.BetaPlus); _bM[d] = (float)Draw(p.BetaMinus);
            _g[d] = _gMin[d];
        }
    }

    /// <inheritdoc/>
    public int Count => _g.Length;
    /// <inheritdoc/>
    public float Min => (float)Params.GMin;
    /// <inheritdoc/>
    public float Max => (float)Params.GMax;
    /// <inheritdoc/>
    public float NominalStep => (float)(Params.AlphaPlus * Math.Exp(-Params.BetaPlus * 0.5));
    /// <inheritdoc/>
    public bool GradualDepression => true;
    /// <inheritdoc/>
    public ReadOnlySpan<float> State => _g;
    /// <summary>Each device's own lower bound.</summary>
    public ReadOnlySpan<float> LowerBounds => _gMin;
    /// <summary>Each device's own upper bound.</summary>
    public ReadOnlySpan<float> UpperBounds => _gMax;

    private double Step(int d, double g, bool up)
    {
        double range = _gMax[d] - _gMin[d];
        return up ? _aP[d] * Math.Exp(-_bP[d] * (g - _gMin[d]) / range)
                  : -_aM[d] * Math.Exp(-_bM[d] * (_gMax[d] - g) / range);
    }

    /// <inheritdoc/>
    public void ApplyPulses(int device, int pulses)
    {
        bool up = pulses > 0;
        double g = _g[device];
        double c2c = Params.CycleToCycle;
        for (int k = 0, n = Math.Abs(pulses); k < n; k++)
        {
            double dg = Step(device, g, up);
            if (c2c > 0)
            {
                var (z, _) = CounterRandom.Normal2(_seed, C2c, (uint)device, _pulses[device]);
                dg *= 1 + c2c * z;
            }
            _pulses[device]++;
            g = Math.Clamp(g + dg, _gMin[device], _gMax[device]);
        }
        _g[device] = (float)g;
    }

    /// <inheritdoc/>
    public float ExpectedChange(int device, int pulses)
    {
        bool up = pulses > 0;
        double g = _g[device];
        for (int k = 0, n = Math.Abs(pulses); k < n; k++) g = Math.Clamp(g + Step(device, g, up), _gMin[device], _gMax[device]);
        return (float)(g - _g[device]);
    }

    /// <inheritdoc/>
    public void Program(int device, float target) => _g[device] = Math.Clamp(target, _gMin[device], _gMax[device]);
}
