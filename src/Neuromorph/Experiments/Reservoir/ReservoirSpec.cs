using Neuromorph.Experiments;
using Neuromorph.Units;

using Neuromorph.Reservoir;

namespace Neuromorph.Experiments.Reservoir;

/// <summary>
/// The <c>reservoir:</c> section of an experiment file, bound and validated: an echo-state network
/// (<c>kind: esn</c>) or a delay-based single-node reservoir (<c>kind: delay</c>) with its node.
/// Only the keys of the chosen kind are read, so a key of the other kind is reported as unknown.
/// </summary>
public sealed class ReservoirSpec
{
    /// <summary>esn or delay.</summary>
    public string Kind { get; }
    /// <summary>ESN parameters (kind esn).</summary>
    public EsnParameters? Esn { get; }
    /// <summary>Threads for the ESN state update.</summary>
    public int Threads { get; }
    /// <summary>Delay-reservoir parameters (kind delay).</summary>
    public DelayReservoirParameters? Delay { get; }
    /// <summary>Node of the delay reservoir: mackey-glass, ikeda, memristor, stno.</summary>
    public string Node { get; } = "";
    private readonly MackeyGlassNode _mg;
    private readonly IkedaNode _ikeda;
    private readonly VolatileMemristorNode _mem;
    private readonly StnoNodeSpec? _stno;

    /// <summary>Binds the section (errors are collected by the binding).</summary>
    public ReservoirSpec(ConfigSection s, EsnParameters? esnDefaults = null, DelayReservoirParameters? delayDefaults = null)
    {
        Kind = s.GetString("kind", "esn", "esn", "delay");
        if (Kind == "esn")
        {
            var d = esnDefaults ?? new EsnParameters();
            Esn = new EsnParameters
            {
                Units = s.GetInt("units", d.Units, 1, 100_000),
                SpectralRadius = s.GetDouble("spectral_radius", d.SpectralRadius, 0, 10),
                Density = s.GetDouble("density", d.Density, 1e-6, 1),
                LeakRate = s.GetDouble("leak_rate", d.LeakRate, 1e-6, 1),
                InputScaling = s.GetDouble("input_scaling", d.InputScaling, 0, 1e3),
                InputConnectivity = s.GetDouble("input_connectivity", d.InputConnectivity, 1e-6, 1),
                BinaryInputWeights = s.GetBool("binary_input_weights", d.BinaryInputWeights),
                BiasScaling = s.GetDouble("bias_scaling", d.BiasScaling, 0, 1e3),
                SpectralMethod = s.GetString("spectral_method", "auto", "auto", "eigen", "arnoldi") switch
                {
                    "eigen" => SpectralMethod.Eigen, "arnoldi" => SpectralMethod.Arnoldi, _ => SpectralMethod.Auto,
                },
            };
            Threads = s.GetInt("threads", 1, 1, 256);
            return;
        }
        var dd = delayDefaults ?? new DelayReservoirParameters();
        Node = s.GetString("node", "mackey-glass", "mackey-glass", "ikeda", "memristor", "stno");
        Delay = new DelayReservoirParameters
        {
            VirtualNodes = s.GetInt("virtual_nodes", dd.VirtualNodes, 1, 100_000),
            Theta = s.GetQuantity("theta", Dimension.Time, dd.Theta, 0, 1e6, minExclusive: true),
            DelayOffset = s.GetInt("delay_offset", dd.DelayOffset, 0, 100_000),
            Substeps = s.GetInt("substeps", dd.Substeps, 1, 1000),
            InputScaling = s.GetDouble("input_scaling", dd.InputScaling, -1e6, 1e6),
            InputOffset = s.GetDouble("input_offset", dd.InputOffset, -1e6, 1e6),
            Mask = s.GetString("mask", "binary", "binary", "uniform", "mls") switch
            {
                "uniform" => MaskKind.Uniform, "mls" => MaskKind.MaximumLength, _ => MaskKind.Binary,
            },
            NodeNoise = s.GetDouble("node_noise", dd.NodeNoise, 0, 1e6),
        };
        switch (Node)
        {
            case "mackey-glass":
                var mg = s.Section("mackey_glass");
                _mg = new MackeyGlassNode(mg.GetDouble("eta", 0.9, -100, 100), mg.GetDouble("exponent", 1, 0.1, 100),
                    mg.GetQuantity("time_constant", Dimension.Time, 1.0, 0, 1e6, minExclusive: true));
                break;
            case "ikeda":
                var ik = s.Section("ikeda");
                _ikeda = new IkedaNode(ik.GetDouble("beta", 0.8, -100, 100), ik.GetDouble("mu", 1, -100, 100), ik.GetDouble("phase", 0.2, -10, 10),
                    ik.GetQuantity("time_constant", Dimension.Time, 1.0, 0, 1e6, minExclusive: true));
                break;
            case "memristor":
                var me = s.Section("memristor");
                _mem = new VolatileMemristorNode(me.GetDouble("lambda", 0.5, 0, 1e12), me.GetDouble("voltage_factor", 2, 0, 1e3),
                    me.GetQuantity("relaxation_time", Dimension.Time, 1.0, 0, 1e6, minExclusive: true), me.GetDouble("feedback", 1, -1e3, 1e3));
                break;
            default:
                _stno = new StnoNodeSpec(s.Section("stno"));
                break;
        }
    }

    /// <summary>Builds the reservoir for <paramref name="inputs"/> inputs from the experiment seed.</summary>
    public IReservoir Build(int inputs, ulong seed, uint noiseIndex = 0)
    {
        if (Kind == "esn") return new EchoStateNetwork(Esn!, inputs, seed) { Threads = Threads };
        return Node switch
        {
            "mackey-glass" => new DelayReservoir<MackeyGlassNode>(_mg, Delay!, inputs, seed, noiseIndex),
            "ikeda" => new DelayReservoir<IkedaNode>(_ikeda, Delay!, inputs, seed, noiseIndex),
            "memristor" => new DelayReservoir<VolatileMemristorNode>(_mem, Delay!, inputs, seed, noiseIndex),
            _ => _stno!.Build(Delay!, inputs, seed, noiseIndex),
        };
    }
}

/// <summary>The <c>readout:</c> section: ridge (λ chosen on validation data) or online RLS/FORCE, and the features it reads.</summary>
public sealed class ReadoutSpec
{
    /// <summary>ridge or rls.</summary>
    public string Kind { get; }
    /// <summary>Features per step.</summary>
    public FeatureSet Features { get; }
    /// <summary>Candidate λ (ridge), relative to the standardised features.</summary>
    public double[] Lambdas { get; }
    /// <summary>Fraction of the training steps held out to choose λ.</summary>
    public double ValidationFraction { get; }
    /// <summary>RLS: P⁰ = I/α.</summary>
    public double RlsAlpha { get; }

    /// <summary>Binds the section.</summary>
    public ReadoutSpec(ConfigSection s, string defaultFeatures = "states+input")
    {
        Kind = s.GetString("kind", "ridge", "ridge", "rls");
        Features = s.GetString("features", defaultFeatures, "states", "states+input", "states+squares+input") switch
        {
            "states" => FeatureSet.States, "states+input" => FeatureSet.StatesInput, _ => FeatureSet.StatesSquaresInput,
        };
        Lambdas = s.GetDoubleList("lambdas", [1e-8, 1e-6, 1e-4, 1e-2, 1], 0, 1e12);
        if (Lambdas.Length == 0) s.Error("lambdas", "give at least one regularisation value");
        ValidationFraction = s.GetDouble("validation_fraction", 0.2, 0.05, 0.5);
        RlsAlpha = s.GetDouble("rls_alpha", 1.0, 1e-12, 1e12);
    }
}

/// <summary>The <c>reservoir.stno:</c> section: the oscillator preset, currents, thermal noise, step and redundancy.</summary>
public sealed class StnoNodeSpec
{
    private readonly StnoReservoirParameters _p;

    /// <summary>Binds the section.</summary>
    public StnoNodeSpec(ConfigSection s)
    {
        var preset = s.GetString("preset", "vortex-torrejon2017", "vortex-torrejon2017", "nanopillar-slavin2009");
        var osc = preset == "vortex-torrejon2017" ? Devices.StnoPresets.VortexTorrejon2017 : Devices.StnoPresets.NanopillarSlavin2009;
        osc = osc with { ThermalRatio = s.GetDouble("thermal_ratio", 1e-3, 0, 10) };
        _p = new StnoReservoirParameters
        {
            Oscillator = osc,
            BiasCurrent = s.GetQuantity("bias_current", Dimension.Current, 6e-3, 0, 1, minExclusive: true),
            CurrentScaling = s.GetQuantity("current_scaling", Dimension.Current, 2e-3, -1, 1),
            Step = s.GetQuantity("step", Dimension.Time, 1e-9, 0, 1e-3, minExclusive: true),
            Redundancy = s.GetInt("redundancy", 1, 1, 10_000),
            FeedbackGain = s.GetQuantity("feedback_gain", Dimension.Current, 0, -1, 1),
        };
    }

    /// <summary>The bound parameters.</summary>
    public StnoReservoirParameters Parameters => _p;

    /// <summary>Builds the reservoir.</summary>
    public IReservoir Build(DelayReservoirParameters multiplexing, int inputs, ulong seed, uint noiseIndex) =>
        new StnoReservoir(_p, multiplexing, inputs, seed, noiseIndex);
}
