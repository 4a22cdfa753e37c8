using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Learning.Unsupervised;

namespace Neuromorph.Experiments.Stdp;

/// <summary>
/// The <c>substrate</c> section shared by the STDP experiments (<c>mnist-stdp</c>, the Diehl &amp;
/// Cook network, and <c>mnist-stdp-memristor</c>, the Querlioz network): the same keys build the
/// same synapse store, so one network file runs on another technology by changing this section
/// only. Every store sits behind the <see cref="ISynapseStore"/> seam; the learning rules ask it for
/// Δw and the device model decides what really happens.
/// </summary>
/// <remarks>
/// <para><c>kind</c>: <c>ideal</c> (float weights) | <c>querlioz-memristor</c> (Querlioz 2013 eq. 1 with
/// <c>d2d</c>, <c>c2c</c>, <c>d2d_bounds</c>) | <c>neurosim</c> (<c>preset</c> AgASi | TaOxHfOx | Pcmo |
/// AlOxHfO2 | EpiRam) | <c>pcm</c> (Joshi 2020: gradual SET, abrupt RESET; <c>devices_per_synapse</c>
/// &gt; 1 is the multi-memristive synapse of Boybat 2018) | <c>mtj</c> (Vincent 2015 stochastic binary
/// junctions, pulse current set for <c>switching_probability</c>; for non-negative weights a group of
/// <c>devices_per_synapse</c> junctions, <see cref="MtjSynapseStore"/>, whose pulse current is set per
/// request so that E[Δw] = Δw: probabilistic STDP and programming) | <c>ftj</c> (Boyn 2017
/// ferroelectric tunnel junction, pulses of <c>pulse_voltage</c> for <c>pulse_width</c>).</para>
/// <para>Weight mapping: devices with gradual depression hold a synapse in one device (group)
/// against a mid-range reference, weights in [−1, 1]; PCM, whose depression is an abrupt RESET,
/// uses a differential pair with refresh. A network whose weights are non-negative (Diehl &amp; Cook,
/// w ∈ [0, 1]) asks for <see cref="Polarity.Unipolar"/>: one device's full conductance range then
/// maps onto [0, 1] through <see cref="AffineSynapseStore"/> (w = (w_ref + 1)/2, i.e.
/// (G − G_min)/(G_max − G_min)); <c>full_scale</c> f &lt; 1 maps w = 1 to G_min + f·(G_max − G_min)
/// instead (<see cref="FullScale"/>).</para>
/// <para><c>translation</c>: how Δw becomes pulses — <c>deterministic</c> (n = round(|Δw|/δ); the
/// Querlioz rule requests exactly one pulse δ), <c>stochastic</c> (stochastic rounding, unbiased;
/// needed when the rule's updates are far below one pulse, as Diehl &amp; Cook's 10⁻⁴ depressions are),
/// <c>state-aware</c> (<see cref="PulseTranslation.StateAware"/>: the device is read and the pulses are
/// counted on the nominal model from its conductance, so a nominal device realises Δw on average
/// despite its nonlinear, asymmetric update; one read per update; querlioz-memristor, ftj, mtj).
/// <c>carry: true</c> adds each synapse's unrealised remainder to its next request
/// (<see cref="SynapseStoreOptions.CarryLimit"/>; one register per synapse).</para>
/// </remarks>
public sealed class StdpSubstrate
{
    /// <summary>How the network's weights relate to the store's range.</summary>
    public enum Polarity
    {
        /// <summary>Weights in [−1, 1] (one device against a reference, or a differential pair).</summary>
        Bipolar,
        /// <summary>Weights in [0, 1]: the device's conductance range maps onto [0, 1].</summary>
        Unipolar,
    }

    /// <summary>The substrate kinds.</summary>
    public static readonly string[] Kinds = ["ideal", "querlioz-memristor", "neurosim", "pcm", "mtj", "ftj"];
    /// <summary>The NeuroSim presets (<see cref="NeuroSimPresets"/>).</summary>
    public static readonly string[] NeuroSimPresetNames = ["AgASi", "TaOxHfOx", "Pcmo", "AlOxHfO2", "EpiRam"];

    private static readonly string[] TranslationNames = ["deterministic", "stochastic", "stochastic", "state-aware"];

    /// <summary>The substrate kind.</summary>
    public string Kind { get; }
    /// <summary>The NeuroSim preset name ("" = AgASi).</summary>
    public string Preset { get; }
    /// <summary>Device-to-device dispersion of the Querlioz memristor.</summary>
    public double DeviceToDevice { get; }
    /// <summary>Cycle-to-cycle noise of the Querlioz memristor.</summary>
    public double CycleToCycle { get; }
    /// <summary>Own dispersion of G_min, G_max (null: <see cref="DeviceToDevice"/>).</summary>
    public double? BoundsDeviceToDevice { get; }
    /// <summary>Devices per synapse (group); &gt; 1 is Boybat 2018's multi-memristive synapse.</summary>
    public int DevicesPerSynapse { get; }
    /// <summary>Switching probability of one MTJ programming pulse.</summary>
    public double MtjProbability { get; }
    /// <summary>FTJ programming pulse amplitude (V).</summary>
    public double FtjVoltage { get; }
    /// <summary>FTJ programming pulse width (s).</summary>
    public double FtjWidth { get; }
    /// <summary>
    /// Unipolar weights on gradual devices: the fraction f of the nominal conductance window that holds
    /// w ∈ [0, 1], w = (G − G_min)/(f·(G_max − G_min)); f &lt; 1 leaves headroom for devices whose own
    /// G_max fell below the nominal one (device-to-device spread) and for weights above 1 right after
    /// the normalisation. 1 = the whole window (default).
    /// </summary>
    public double FullScale { get; }
    /// <summary>
    /// True: each synapse carries its unrealised remainder into its next request
    /// (<see cref="SynapseStoreOptions.CarryLimit"/> = <see cref="CarryLimit"/> of the store's weight range).
    /// </summary>
    public bool Carry { get; }
    /// <summary>Clamp of the carried remainder, in the device store's weight units (its range is [−1, 1]).</summary>
    public const float CarryLimit = 0.05f;
    /// <summary>Pulse translation of Δw requests.</summary>
    public PulseTranslation Translation { get; }
    /// <summary>The section (for the experiment's own keys and errors).</summary>
    public ConfigSection Section { get; }

    /// <summary>Reads the section; <paramref name="defaultKind"/> and <paramref name="defaultTranslation"/> are the experiment's defaults.</summary>
    public StdpSubstrate(ConfigSection sub, string defaultKind, PulseTranslation defaultTranslation)
    {
        ArgumentNullException.ThrowIfNull(sub);
        Section = sub;
        Kind = sub.GetString("kind", defaultKind, Kinds);
        Preset = sub.GetString("preset", "", ["", .. NeuroSimPresetNames, "Joshi2020", "Vincent2015", "Boyn2017"]);
        DeviceToDevice = sub.GetDouble("d2d", 0.25, 0, 10);
        CycleToCycle = sub.GetDouble("c2c", 0.10, 0, 10);
        BoundsDeviceToDevice = sub.Has("d2d_bounds") ? sub.GetDouble("d2d_bounds", 0, 0, 10) : null;
        DevicesPerSynapse = sub.GetInt("devices_per_synapse", 1, 1, 16);
        FullScale = sub.GetDouble("full_scale", 1.0, 0.05, 1.0);
        Carry = sub.GetBool("carry", false);
        MtjProbability = sub.GetDouble("switching_probability", 0.1, 1e-6, 1 - 1e-9);
        FtjVoltage = sub.GetQuantity("pulse_voltage", Units.Dimension.Voltage, 2.0, 0.1, 20);
        FtjWidth = sub.GetQuantity("pulse_width", Units.Dimension.Time, 20e-9, 1e-12, 1e-3);
        var tr = sub.GetString("translation", TranslationNames[(int)defaultTranslation], "deterministic", "stochastic", "state-aware");
        Translation = tr switch { "deterministic" => PulseTranslation.Deterministic, "state-aware" => PulseTranslation.StateAware, _ => PulseTranslation.StochasticRounding };
        if (Translation == PulseTranslation.StateAware && Kind is "neurosim" or "pcm")
            sub.Error("translation", $"state-aware translation needs a noise-free nominal model; it is available for querlioz-memristor, ftj and mtj, not {Kind}");
        if (Kind == "neurosim" && Preset.Length > 0 && !NeuroSimPresetNames.Contains(Preset))
            sub.Error("preset", $"'{Preset}' is not a NeuroSim preset; choose one of {string.Join(", ", NeuroSimPresetNames)}");
    }

    /// <summary>True for the ideal (float) substrate.</summary>
    public bool IsIdeal => Kind == "ideal";

    /// <summary>
    /// Builds the store of <paramref name="count"/> synapses for this substrate with the given
    /// dispersion (the Querlioz memristor; other kinds ignore it), or null for <c>ideal</c> (the
    /// network then makes its own float store).
    /// </summary>
    public ISynapseStore? Build(int count, Polarity polarity, double d2d, double c2c, ulong seed)
    {
        if (IsIdeal) return null;
        // Non-negative weights on binary junctions: a group of K junctions per synapse, w = n_P/K,
        // programmed and updated through switching probabilities (probabilistic STDP).
        if (Kind == "mtj" && polarity == Polarity.Unipolar)
            return new MtjSynapseStore(count, DevicesPerSynapse, MtjPresets.Vincent2015, MtjPulseWidth, seed);
        Func<int, IConductanceArray> devices = Kind switch
        {
            "querlioz-memristor" => n => new QuerliozMemristorArray(n, QuerliozMemristorParams.Nominal with { DeviceToDevice = d2d, CycleToCycle = c2c, BoundsDeviceToDevice = BoundsDeviceToDevice }, seed),
            "neurosim" => n => new NeuroSimDeviceArray(n, NeuroSim(Preset), seed),
            "pcm" => n => new PcmDeviceArray(n, PcmPresets.Joshi2020, seed),
            "mtj" => n => new MtjArray(n, MtjPresets.Vincent2015, MtjCurrent(MtjPresets.Vincent2015, MtjProbability, MtjPulseWidth), MtjPulseWidth, seed),
            _ => n => new FtjArray(n, FtjPresets.BiFeO3Boyn2017, FtjVoltage, FtjWidth),
        };
        bool gradual = Kind != "pcm";
        var opt = SynapseStoreOptions.Default with
        {
            Mapping = gradual ? WeightMapping.SingleWithReference : WeightMapping.DifferentialPair,
            DevicesPerGroup = DevicesPerSynapse, RefreshThreshold = gradual ? 0 : 0.9f,
            Translation = Translation, Seed = seed, CarryLimit = Carry ? CarryLimit : 0,
            // State-aware translation knows only the nominal device (no d2d, no c2c) and what it reads.
            NominalModel = Translation == PulseTranslation.StateAware ? (Kind == "querlioz-memristor"
                ? new QuerliozMemristorArray(1, QuerliozMemristorParams.Nominal, seed)
                : devices(1)) : null,
        };
        var store = new DeviceSynapseStore(count, devices, opt);
        // w = (w_inner + 1)/(2f) = (G − G_min)/(f·(G_max − G_min)).
        float half = (float)(0.5 / FullScale);
        return polarity == Polarity.Unipolar && gradual ? new AffineSynapseStore(store, half, half) : store;
    }

    /// <summary>The device store under <paramref name="store"/> (through an <see cref="AffineSynapseStore"/>), or null.</summary>
    public static DeviceSynapseStore? Devices(ISynapseStore store) => store switch
    {
        DeviceSynapseStore d => d,
        AffineSynapseStore { Inner: DeviceSynapseStore d } => d,
        _ => null,
    };

    /// <summary>The programming pulses and device reads of a device-backed store so far, or null (ideal).</summary>
    public static OpCounters? ProgrammingCounters(ISynapseStore store) => store switch
    {
        MtjSynapseStore m => m.Counters,
        _ => Devices(store)?.Counters,
    };

    /// <summary>One line naming the substrate and its dispersion.</summary>
    public string Describe(double d2d, double c2c) => Kind switch
    {
        "querlioz-memristor" => $"querlioz-memristor (d2d {100 * d2d:F0} %, c2c {100 * c2c:F0} %)",
        "neurosim" => $"neurosim {(Preset.Length > 0 ? Preset : "AgASi")}",
        "pcm" => $"pcm Joshi2020 ({DevicesPerSynapse} device(s) per group)",
        "mtj" => $"mtj Vincent2015 ({DevicesPerSynapse} junction(s) per synapse; switching probability {MtjProbability:G3} per Querlioz pulse, set per request for Diehl & Cook)",
        "ftj" => $"ftj Boyn2017 ({FtjVoltage:G3} V, {FtjWidth * 1e9:G3} ns pulses)",
        _ => Kind,
    };

    private static NeuroSimParams NeuroSim(string preset) => preset switch
    {
        "TaOxHfOx" => NeuroSimPresets.TaOxHfOx,
        "Pcmo" => NeuroSimPresets.Pcmo,
        "AlOxHfO2" => NeuroSimPresets.AlOxHfO2,
        "EpiRam" => NeuroSimPresets.EpiRam,
        _ => NeuroSimPresets.AgASi,
    };

    /// <summary>MTJ programming pulse width (s).</summary>
    public const double MtjPulseWidth = 10e-9;

    /// <summary>Pulse current giving switching probability P for a pulse of width t: I = I_c(1 − ln(−t/(τ₀ ln(1 − P)))/Δ) (<see cref="MtjSynapseStore.PulseCurrent"/>).</summary>
    public static double MtjCurrent(MtjParams m, double probability, double width) => MtjSynapseStore.PulseCurrent(m, probability, width);
}
