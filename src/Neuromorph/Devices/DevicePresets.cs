namespace Neuromorph.Devices;

/// <summary>What a device preset models.</summary>
public enum DeviceKind
{
    /// <summary>aihwkit-style pulsed-update synapse (<see cref="PulsedDeviceArray"/>).</summary>
    PulsedSynapse,
    /// <summary>NeuroSim nonlinear LTP/LTD synapse (<see cref="NeuroSimDeviceArray"/>).</summary>
    NeuroSimSynapse,
    /// <summary>Phase-change memory synapse with drift and read noise (<see cref="PcmDeviceArray"/>).</summary>
    PcmSynapse,
    /// <summary>Binary stochastic STT-MTJ synapse (<see cref="MtjArray"/>).</summary>
    MtjSynapse,
    /// <summary>Ferroelectric tunnel junction synapse (<see cref="FtjArray"/>).</summary>
    FtjSynapse,
    /// <summary>Volatile filamentary switch with short/long-term memory (<see cref="VolatileRramArray"/>).</summary>
    VolatileRram,
    /// <summary>VTEAM memristor I–V model (<see cref="VteamArray"/>).</summary>
    Memristor,
    /// <summary>Spin-torque nano-oscillator (<see cref="StnoArray"/>).</summary>
    Oscillator,
    /// <summary>Superparamagnetic telegraph junction (<see cref="TelegraphJunctionArray"/>).</summary>
    TelegraphJunction,
    /// <summary>Probabilistic bit (<see cref="PBit"/>).</summary>
    PBit,
    /// <summary>Mott relaxation-oscillator neuron (<see cref="MottNeuronArray"/>).</summary>
    MottNeuron,
    /// <summary>Josephson junction neuron (<see cref="JosephsonArray"/>).</summary>
    JosephsonNeuron,
    /// <summary>Stochastic phase-change neuron (<see cref="PhaseChangeNeuronArray"/>).</summary>
    PhaseChangeNeuron,
}

/// <summary>One named device preset: what it is, where its numbers come from, its parameters and the characterisation protocols it supports.</summary>
/// <param name="Name">Registry name (kebab-case), as used on the command line.</param>
/// <param name="Kind">What the preset models.</param>
/// <param name="Description">One line.</param>
/// <param name="Source">Paper and figure/table of the equations and numbers.</param>
/// <param name="Parameters">The parameter record (e.g. <see cref="PulsedDeviceParams"/>, <see cref="PcmParams"/>).</param>
/// <param name="Protocols">Characterisation protocols that apply (see <see cref="DeviceCharacterization"/>).</param>
public sealed record DevicePreset(string Name, DeviceKind Kind, string Description, string Source, object Parameters, string[] Protocols);

/// <summary>The registry of device presets that <c>neuromorph list presets</c> prints and <c>neuromorph device</c> characterises.</summary>
public static class DevicePresets
{
    private static readonly string[] Synapse = ["pulses"];
    private static readonly DevicePreset[] Items =
    [
        new("gokmen-vlasov-2016", DeviceKind.PulsedSynapse, "Constant-step RPU device with the specification's variations", "Gokmen & Vlasov 2016, Front. Neurosci. 10:333, Table 1", PulsedPresets.GokmenVlasov2016, Synapse),
        new("softbounds-reram", DeviceKind.PulsedSynapse, "Soft-bounds device (step ∝ distance to bound)", "Step law of aihwkit SoftBoundsDevice (Rasch et al. 2021, IEEE AICAS); values assumed (Δw_min 0.002, bounds ±1), spreads of Gokmen & Vlasov 2016 Table 1", PulsedPresets.SoftBoundsReRam, Synapse),
        new("powstep", DeviceKind.PulsedSynapse, "Power-law step device, γ = 1", "Step law of aihwkit PowStepDevice (Rasch et al. 2021, IEEE AICAS); γ = 1 assumed, spreads of Gokmen & Vlasov 2016 Table 1", PulsedPresets.PowStepDefault, Synapse),
        new("reram-gong-2018", DeviceKind.PulsedSynapse, "HfO2 ReRAM, exponential-step fit with write noise", "Gong et al. 2018, Nat. Commun. 9:2102 (aihwkit ReRamESPresetDevice)", PulsedPresets.ReRamGong2018, Synapse),
        new("reram-sb-gong-2018", DeviceKind.PulsedSynapse, "HfO2 ReRAM, soft-bounds fit", "Gong et al. 2018, Nat. Commun. 9:2102 (aihwkit ReRamSBPresetDevice)", PulsedPresets.ReRamSoftBoundsGong2018, Synapse),
        new("ecram-van-de-burgt-2017", DeviceKind.PulsedSynapse, "Organic ENODe ECRAM: ~500 near-linear symmetric states", "van de Burgt et al. 2017, Nat. Mater. 16:414, Fig. 2 (~500 states, near-linear, symmetric: published); slope γ 0.05 and 5 % c2c assumed", PulsedPresets.EcRamVanDeBurgt2017, Synapse),
        new("ecram-tang-2018", DeviceKind.PulsedSynapse, "Li-ion ECRAM, linear-step fit", "Tang et al. 2018, IEDM (aihwkit EcRamPresetDevice)", PulsedPresets.EcRamTang2018, Synapse),
        new("ecram-mo-kim-2019", DeviceKind.PulsedSynapse, "Metal-oxide ECRAM, linear-step fit", "Kim et al. 2019, IEDM (aihwkit EcRamMOPresetDevice)", PulsedPresets.EcRamMoKim2019, Synapse),
        new("pcm-nandakumar-2020", DeviceKind.PulsedSynapse, "GST PCM as a one-directional exponential-step device", "Nandakumar et al. 2020, Front. Neurosci. 14:406 (aihwkit PCMPresetDevice)", PulsedPresets.PcmNandakumar2020, Synapse),
        new("capacitor-li-2018", DeviceKind.PulsedSynapse, "Capacitor analog cell, linear step", "Li et al. 2018, VLSI (aihwkit CapacitorPresetDevice)", PulsedPresets.CapacitorLi2018, Synapse),
        new("neurosim-ag-a-si", DeviceKind.NeuroSimSynapse, "Ag:a-Si: 97/100 levels, NL 2.4/−4.88, ratio 12.5", "Jo et al. 2010, Nano Lett. 10:1297; values from NeuroSim V3.0 Cell.cpp (RealDevice) and manual Table II", NeuroSimPresets.AgASi, Synapse),
        new("neurosim-taox-hfox", DeviceKind.NeuroSimSynapse, "TaOx/HfOx: 128 levels, NL 0.04/−0.63, ratio 10", "Wu et al. 2018, VLSI Technology; values from NeuroSim V3.0 manual Table II", NeuroSimPresets.TaOxHfOx, Synapse),
        new("neurosim-pcmo", DeviceKind.NeuroSimSynapse, "PCMO: 50 levels, NL 3.68/−6.76, ratio 6.84", "Park et al. 2013, IEDM; values from NeuroSim V3.0 manual Table II (C2C <1 %: 0.5 % assumed)", NeuroSimPresets.Pcmo, Synapse),
        new("neurosim-alox-hfo2", DeviceKind.NeuroSimSynapse, "AlOx/HfO2: 40 levels, NL 1.94/−0.61, ratio 4.43", "Woo et al. 2016, IEEE EDL 37:994; values from NeuroSim V3.0 manual Table II", NeuroSimPresets.AlOxHfO2, Synapse),
        new("neurosim-epiram", DeviceKind.NeuroSimSynapse, "EpiRAM: 64 levels, NL 0.5/−0.5, ratio 50.2", "Choi et al. 2018, Nat. Mater. 17:335; values from NeuroSim V3.0 manual Table II", NeuroSimPresets.EpiRam, Synapse),
        new("pcm-joshi-2020", DeviceKind.PcmSynapse, "GST PCM: accumulative SET, abrupt RESET, programming noise, drift, 1/f read noise", "Joshi et al. 2020, Nat. Commun. 11:2473; Nandakumar et al. 2019 ICECS (aihwkit PCMLikeNoiseModel)", PcmPresets.Joshi2020, ["pulses", "drift"]),
        new("mtj-vincent-2015", DeviceKind.MtjSynapse, "Stochastic STT-MTJ binary synapse", "Law of Vincent et al. 2015, IEEE TBioCAS 9:166 (τ = τ0 exp(Δ(1 − I/Ic))); values assumed: τ0 1 ns, Δ 45, Ic 200 µA, R_P 5 kΩ, TMR 150 %", MtjPresets.Vincent2015, ["pulses", "switching"]),
        new("ftj-boyn-2017", DeviceKind.FtjSynapse, "BiFeO3 FTJ: domain-fraction conductance, nucleation-limited cumulative switching", "Model of Boyn et al. 2017, Nat. Commun. 8:14736 (nucleation-limited switching, Merz law); values assumed: G_OFF 10 nS, G_ON 1 µS, τ∞ 1 ps, V_a 30 V, n 2", FtjPresets.BiFeO3Boyn2017, ["pulses", "switching"]),
        new("rram-volatile-ohno-2011", DeviceKind.VolatileRram, "Ag2S atomic switch: short-term memory, consolidation at high pulse rate", "Ohno et al. 2011, Nat. Mater. 10:591, Figs. 2–3 (G0 = 2e²/h; 2 s pulses consolidate, 20 s do not: published); a 0.3, θ 0.8, τ 20 s, G_min 1 µS assumed", VolatileRramPresets.Ag2SOhno2011, ["pulses"]),
        new("vteam-hp-tio2", DeviceKind.Memristor, "VTEAM voltage-controlled memristor, pinched hysteresis", "Model of Kvatinsky et al. 2015, IEEE TCAS-II 62:786; R_ON 100 Ω, R_OFF 16 kΩ from Strukov et al. 2008; thresholds ±0.3 V, α 3, |k| 10/s assumed", VteamPresets.HpTiO2, ["iv"]),
        new("stno-vortex-torrejon-2017", DeviceKind.Oscillator, "Vortex spin-torque nano-oscillator for reservoir computing", "Model of Slavin & Tiberkevich 2009, IEEE Trans. Magn. 45:1875; regime of Torrejon et al. 2017, Nature 547:428; values representative (ω0/2π 300 MHz, Γ_G/2π 3 MHz, Q 2, N/2π 50 MHz, I_th 3 mA)", StnoPresets.VortexTorrejon2017, ["iv"]),
        new("stno-nanopillar-slavin-2009", DeviceKind.Oscillator, "In-plane nanopillar STNO, red-shifting", "Slavin & Tiberkevich 2009, IEEE Trans. Magn. 45:1875; values representative (ω0/2π 10 GHz, α 0.01, Q 3, N/2π −5 GHz, I_th 1 mA)", StnoPresets.NanopillarSlavin2009, ["iv"]),
        new("smtj-mizrahi-2018", DeviceKind.TelegraphJunction, "Superparamagnetic tunnel junction, current-tuned telegraph noise", "Model of Mizrahi et al. 2018, Nat. Commun. 9:1533 (Néel–Brown rates tilted by current); values assumed: τ0 1 ns, Δ 12, Ic 120 µA", MtjPresets.SuperparamagneticMizrahi2018, ["telegraph"]),
        new("pbit-camsari-2017", DeviceKind.PBit, "p-bit m = sgn(tanh(I) − r)", "Camsari et al. 2017, Phys. Rev. X 7:031014", "m = sgn(tanh(I) − r), r ~ U(−1, 1)", ["telegraph"]),
        new("mott-nbo2-pickett-2013", DeviceKind.MottNeuron, "NbO2 Mott relaxation-oscillator neuron", "Circuit of Pickett et al. 2013, Nat. Mater. 12:114; values assumed: R_ins 30 kΩ, R_met 1 kΩ, V_th 1.0 V, V_hold 0.5 V, C 100 pF", MottNeuronPresets.NbO2Pickett2013, ["spikes"]),
        new("mott-vo2-lateral", DeviceKind.MottNeuron, "Epitaxial VO2 volatile memristor + 4 kΩ series load (Norton equivalent), MHz spiking", "VO2 multisensory neuron of Y. Yang's group (Peking Univ.), Authorea preprint 558664 (undated, ≥ 2022 by its NSFC 92164302 grant): V_th 1.4 V and R_on 500 Ω published; R_ins, V_hold, C fitted here to its Fig. 3d–e frequencies", MottNeuronPresets.Vo2Lateral, ["spikes"]),
        new("jj-crotty-2010", DeviceKind.JosephsonNeuron, "RCSJ Josephson junction neuron (fluxon pulses)", "RCSJ model as in Crotty, Schult & Segall 2010, PRE 82:011914 (Φ0 = h/2e exact); values assumed: I_c 100 µA, R 2 Ω, C 0.1 pF", JosephsonPresets.Crotty2010, ["spikes"]),
        new("pcm-neuron-tuma-2016", DeviceKind.PhaseChangeNeuron, "Stochastic phase-change integrate-and-fire neuron", "Mechanism of Tuma et al. 2016, Nat. Nanotechnol. 11:693; values assumed: Δ 0.1 (≈ 10 pulses per spike), σ_g 0.2, σ_r 0.1", PhaseChangeNeuronPresets.Tuma2016, ["spikes"]),
    ];

    /// <summary>Every preset, in registry order.</summary>
    public static IReadOnlyList<DevicePreset> All => Items;

    /// <summary>Finds a preset by name (case-insensitive); throws with the list of names if unknown.</summary>
    public static DevicePreset Get(string name)
    {
        foreach (var p in Items) if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p;
        throw new ArgumentException($"unknown device preset '{name}'; known presets: {string.Join(", ", Items.Select(i => i.Name))}", nameof(name));
    }

    /// <summary>Tries to find a preset by name.</summary>
    public static bool TryGet(string name, out DevicePreset? preset)
    {
        preset = Items.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return preset is not null;
    }
}
