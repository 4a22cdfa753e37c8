using Neuromorph.Data;
using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Experiments;
using Neuromorph.Learning.Deep;
using Neuromorph.Numerics;
using Neuromorph.Units;

using Neuromorph.Crossbar;

namespace Neuromorph.Experiments.Crossbar;

/// <summary>Reading the configuration sections the crossbar experiments share (data, network, periphery, energy).</summary>
public static class AnalogSetup
{
    /// <summary>Device preset names accepted by <c>substrate.presets</c>.</summary>
    public static readonly string[] PresetNames = ["ideal", "constant-step", "soft-bounds", "reram-es", "reram-sb", "ecram", "ecram-mo", "capacitor", "pow-step", "pcm"];

    /// <summary>The device and mapping of a preset name; "ideal" is ideal float weights behind the analog periphery.</summary>
    public static (PulsedDeviceParams? Device, CellMapping Mapping) Preset(string name) => name switch
    {
        "ideal" => (null, CellMapping.Single),
        "constant-step" => (PulsedPresets.GokmenVlasov2016, CellMapping.Single),
        "soft-bounds" => (PulsedPresets.SoftBoundsReRam, CellMapping.Single),
        "reram-es" => (PulsedPresets.ReRamGong2018, CellMapping.Single),
        "reram-sb" => (PulsedPresets.ReRamSoftBoundsGong2018, CellMapping.Single),
        "ecram" => (PulsedPresets.EcRamTang2018, CellMapping.Single),
        "ecram-mo" => (PulsedPresets.EcRamMoKim2019, CellMapping.Single),
        "capacitor" => (PulsedPresets.CapacitorLi2018, CellMapping.Single),
        "pow-step" => (PulsedPresets.PowStepDefault, CellMapping.Single),
        "pcm" => (PulsedPresets.PcmNandakumar2020, CellMapping.Differential),
        _ => throw new ArgumentException($"unknown device preset '{name}' ({string.Join(", ", PresetNames)})", nameof(name)),
    };

    /// <summary>Names accepted by <c>substrate.mapping</c>: <c>preset</c> keeps the preset's own mapping.</summary>
    public static readonly string[] MappingNames = ["preset", "single", "reference", "differential"];

    /// <summary>
    /// <c>substrate.mapping</c> (one name or a list: single, reference, differential or preset — the
    /// preset's own mapping) and <c>substrate.devices_per_weight</c> (one N or a list,
    /// 1…<see cref="CellMapping.MaxDevicesPerWeight"/>; N cells per weight, Boybat et al. 2018).
    /// Absent keys mean the preset's own mapping with one device per weight.
    /// </summary>
    public sealed record MappingSpec(string[] Kinds, int[] DevicesPerWeight)
    {
        /// <summary>Reads and checks the two keys (a name or N listed twice is an error).</summary>
        public static MappingSpec Read(ConfigSection sub)
        {
            var kinds = sub.GetStringList("mapping", ["preset"], MappingNames);
            if (kinds.Length == 0) sub.Error("mapping", $"name at least one mapping ({string.Join(", ", MappingNames)})");
            if (kinds.Distinct().Count() != kinds.Length) sub.Error("mapping", "a mapping is listed twice");
            var ns = sub.GetDoubleList("devices_per_weight", [1], 1, CellMapping.MaxDevicesPerWeight);
            if (ns.Length == 0) sub.Error("devices_per_weight", "give at least one N");
            if (ns.Any(n => n != Math.Floor(n))) sub.Error("devices_per_weight", "N must be a whole number of devices");
            if (ns.Distinct().Count() != ns.Length) sub.Error("devices_per_weight", "an N is listed twice");
            return new MappingSpec(kinds, [.. ns.Select(n => (int)n)]);
        }

        /// <summary>True when the keys are absent (or say exactly that): each preset's own cell, N = 1.</summary>
        public bool IsDefault => Kinds is ["preset"] && DevicesPerWeight is [1];

        /// <summary>Every mapping × N combination for a preset whose own mapping is <paramref name="preset"/>, mapping-major, without repeats.</summary>
        public CellMapping[] For(CellMapping preset) =>
        [
            .. Kinds.SelectMany(k => DevicesPerWeight.Select(n => new CellMapping(k switch
            {
                "single" => MappingKind.Single, "reference" => MappingKind.Reference, "differential" => MappingKind.Differential, _ => preset.Kind,
            }, n))).Distinct(),
        ];

        /// <summary>Metric label of a mapping: single, reference or differential, with -x<i>N</i> when N &gt; 1.</summary>
        public static string Label(CellMapping m) => CellMapping.Name(m.Kind) + (m.DevicesPerWeight > 1 ? $"-x{m.DevicesPerWeight}" : "");
    }

    /// <summary>Loads MNIST or the 8×8 digits (stratified split) scaled to [0, 1], optionally truncated.</summary>
    public sealed class DataSpec
    {
        private readonly string _dataset;
        private readonly string? _path;
        private readonly int _maxTrain, _maxTest;
        private readonly double _testFraction;

        /// <summary>Reads <c>data.dataset</c>, <c>data.path</c>, <c>data.train_samples</c>, <c>data.test_samples</c>, <c>data.test_fraction</c>.</summary>
        public DataSpec(ConfigSection data, string defaultDataset = "mnist")
        {
            _dataset = data.GetString("dataset", defaultDataset, "mnist", "digits-8x8");
            _path = data.GetPath("path", null, directory: true);
            _maxTrain = data.GetInt("train_samples", 0, 0);
            _maxTest = data.GetInt("test_samples", 0, 0);
            _testFraction = data.GetDouble("test_fraction", 0.3, 0.05, 0.95);
        }

        /// <summary>Data set name.</summary>
        public string Dataset => _dataset;

        /// <summary>Loads the training and test sets.</summary>
        public (LabeledSet Train, LabeledSet Test) Load(ulong seed)
        {
            LabeledSet train, test;
            if (_dataset == "mnist")
            {
                var m = Mnist.Load(_path, scaleToUnit: true);
                train = m.Train; test = m.Test;
            }
            else (train, test) = ReadoutClassification.StratifiedSplit(Digits8x8.Load(scaleToUnit: true), _testFraction, seed);
            if (_maxTrain > 0 && _maxTrain < train.Count) train = Head(train, _maxTrain);
            if (_maxTest > 0 && _maxTest < test.Count) test = Head(test, _maxTest);
            return (train, test);
        }

        private static LabeledSet Head(LabeledSet s, int n) =>
            new(s.Features.AsSpan(0, n * s.FeatureCount).ToArray(), s.Labels.AsSpan(0, n).ToArray(), s.FeatureCount, s.ClassCount, s.SampleShape, s.ClassNames);
    }

    /// <summary>Reads an <see cref="IoParams"/> section (keys named as aihwkit's IOParameters, in bits).</summary>
    public static IoParams Io(ConfigSection s, IoParams defaults)
    {
        var io = new IoParams
        {
            IsPerfect = s.GetBool("perfect", defaults.IsPerfect),
            InputBits = s.GetInt("input_bits", defaults.InputBits, 0, 24),
            InputBound = (float)s.GetDouble("input_bound", defaults.InputBound, 1e-6, 1e6),
            StochasticRounding = s.GetBool("stochastic_rounding", defaults.StochasticRounding),
            OutputBits = s.GetInt("output_bits", defaults.OutputBits, 0, 24),
            OutputBound = (float)s.GetDouble("output_bound", defaults.OutputBound, 1e-6, 1e6),
            OutputNoise = (float)s.GetDouble("output_noise", defaults.OutputNoise, 0, 1e3),
            WeightNoise = (float)s.GetDouble("weight_noise", defaults.WeightNoise, 0, 1e3),
            NoiseManagement = s.GetString("noise_management", defaults.NoiseManagement == NoiseManagement.AbsMax ? "abs-max" : "none", "abs-max", "none") == "abs-max" ? NoiseManagement.AbsMax : NoiseManagement.None,
            BoundManagement = s.GetString("bound_management", defaults.BoundManagement == BoundManagement.Iterative ? "iterative" : "none", "iterative", "none") == "iterative" ? BoundManagement.Iterative : BoundManagement.None,
            MaxBoundIterations = s.GetInt("max_bound_iterations", defaults.MaxBoundIterations, 0, 30),
        };
        if (io.InputBits == 1) s.Error("input_bits", "a converter needs 0 (off) or ≥ 2 bits");
        if (io.OutputBits == 1) s.Error("output_bits", "a converter needs 0 (off) or ≥ 2 bits");
        return io;
    }

    /// <summary>Reads the <c>update</c> section.</summary>
    public static UpdateParams Update(ConfigSection s) => new()
    {
        DesiredBL = s.GetInt("bl", 31, 1, 64),
        UpdateManagement = s.GetBool("update_management", true),
        BLManagement = s.GetBool("bl_management", true),
        PulseType = s.GetString("pulse_type", "stochastic", "stochastic", "deterministic", "mixed-precision") switch
        {
            "stochastic" => PulseType.Stochastic,
            "deterministic" => PulseType.Deterministic,
            _ => PulseType.MixedPrecision,
        },
        RefreshThreshold = (float)s.GetDouble("refresh_threshold", 0.9, 0.01, 1),
    };

    /// <summary>An MLP: Dense → activation → … → Dense, each weight matrix from <paramref name="weights"/>(inputs, outputs, layer index).</summary>
    public static Sequential Mlp(int inputs, int[] hidden, int classes, ActivationKind act, Func<int, int, int, IWeightMatrix> weights, ulong seed)
    {
        var layers = new List<Layer>();
        int prev = inputs;
        for (int i = 0; i <= hidden.Length; i++)
        {
            int next = i < hidden.Length ? hidden[i] : classes;
            layers.Add(new Dense(weights(prev, next, i), seed + (ulong)i * 7919, act == ActivationKind.Relu ? "he" : "xavier"));
            if (i < hidden.Length) layers.Add(new Activation(act, next));
            prev = next;
        }
        return new Sequential([.. layers]);
    }

    /// <summary>Reads <c>network.hidden</c> (hidden layer widths of an MLP; default 256, 128).</summary>
    public static int[] Hidden(ConfigSection net) => net.GetDoubleList("hidden", [256, 128], 1, 100_000).Select(v => (int)v).ToArray();

    /// <summary>Reads <c>network.hidden</c> and <c>network.activation</c> (relu, sigmoid, tanh) of an MLP.</summary>
    public static (int[] Hidden, ActivationKind Activation) MlpShape(ConfigSection net) =>
        (Hidden(net), Activation(net.GetString("activation", "relu", "relu", "sigmoid", "tanh")));

    /// <summary>Parses an activation name.</summary>
    public static ActivationKind Activation(string name) => name switch { "relu" => ActivationKind.Relu, "sigmoid" => ActivationKind.Sigmoid, _ => ActivationKind.Tanh };

    /// <summary>Attaches one counter set to every analog (or float) weight matrix of a network.</summary>
    public static void Count(Sequential net, OpCounters? counters)
    {
        foreach (var w in ConvNets.WeightMatrices(net))
        {
            if (w is AnalogMatrix a) a.Counters = counters;
            else if (w is TikiTakaMatrix t) t.Counters = counters;
            else if (w is FloatWeights f) f.Counters = counters;
        }
    }
}

/// <summary>
/// Energy of analog in-memory computing from operation counts. Cell read: E = G·V²·t_read per
/// MAC (Ohm's law, power G·V² for the read time). ADC: Walden figure of merit,
/// E = FOM·2^ENOB per conversion (FOM = P/(2^ENOB·f_s); Murmann, "ADC Performance Survey
/// 1997–2024"; the default 28 fJ/step is the survey's single-channel SAR median for ENOB 6–8.5;
/// Kull et al., ISSCC 2013: 33.8 fJ/step, 2.55 pJ per 8-bit conversion). DAC: charging a word
/// line of capacitance C = cells·c_cell to V_read, E = C·V² per conversion. Programming pulse:
/// E = I·V·t of one write pulse. Digital accumulation of partial sums: one 32-bit add. Area:
/// cells of <see cref="CellAreaF2"/>·F² and one ADC of <see cref="AdcArea"/> per
/// <see cref="ColumnsPerAdc"/> tile columns (<see cref="Area"/>).
/// </summary>
public sealed record AnalogEnergyModel
{
    /// <summary>Mean cell conductance G (S).</summary>
    public double Conductance { get; init; } = 5e-6;
    /// <summary>Read voltage V (V).</summary>
    public double ReadVoltage { get; init; } = 0.2;
    /// <summary>Read (integration) time t_read (s).</summary>
    public double ReadTime { get; init; } = 10e-9;
    /// <summary>ADC Walden figure of merit (J per conversion step).</summary>
    public double AdcFom { get; init; } = 28e-15;
    /// <summary>Effective bits of the ADC (0 = output_bits − 1).</summary>
    public double AdcEnob { get; init; }
    /// <summary>Word-line capacitance per cell (F).</summary>
    public double CellCapacitance { get; init; } = 0.2e-15;
    /// <summary>Energy of one programming pulse (J).</summary>
    public double PulseEnergy { get; init; } = 1e-12;
    /// <summary>Energy of one digital accumulation (J); Horowitz 2014 45 nm FP32 add.</summary>
    public double AccumulateEnergy { get; init; } = 0.9e-12;
    /// <summary>Technology feature size F (m) for the cell area.</summary>
    public double FeatureSize { get; init; } = 45e-9;
    /// <summary>Cell area in F² (NeuroSim Cell.cpp: 2F × 2F cross-point = 4 F²; 1T1R pseudo-crossbar 4F × 4F = 16 F²).</summary>
    public double CellAreaF2 { get; init; } = 4;
    /// <summary>Area of one ADC (m²); Murmann survey median of single-channel SAR ADCs with ENOB 6–8.5.</summary>
    public double AdcArea { get; init; } = 0.0112e-6;
    /// <summary>Tile columns sharing one ADC through a multiplexer.</summary>
    public int ColumnsPerAdc { get; init; } = 1;

    /// <summary>Reads an <c>energy_model</c> section.</summary>
    public static AnalogEnergyModel Bind(ConfigSection s) => new()
    {
        Conductance = s.GetQuantity("conductance", Dimension.Conductance, 5e-6, 0, 1, minExclusive: true),
        ReadVoltage = s.GetQuantity("read_voltage", Dimension.Voltage, 0.2, 0, 10, minExclusive: true),
        ReadTime = s.GetQuantity("read_time", Dimension.Time, 10e-9, 0, 1, minExclusive: true),
        AdcFom = s.GetQuantity("adc_fom", Dimension.Energy, 28e-15, 0, 1e-9, minExclusive: true),
        AdcEnob = s.GetDouble("adc_enob", 0, 0, 24),
        CellCapacitance = s.GetQuantity("cell_capacitance", Dimension.Capacitance, 0.2e-15, 0, 1e-9),
        PulseEnergy = s.GetQuantity("pulse_energy", Dimension.Energy, 1e-12, 0, 1),
        AccumulateEnergy = s.GetQuantity("accumulate_energy", Dimension.Energy, 0.9e-12, 0, 1),
        FeatureSize = s.GetQuantity("feature_size", Dimension.Length, 45e-9, 1e-9, 1e-6),
        CellAreaF2 = s.GetDouble("cell_area_f2", 4, 1, 10_000),
        AdcArea = s.GetDouble("adc_area_mm2", 0.0112, 1e-6, 100) * 1e-6,
        ColumnsPerAdc = s.GetInt("columns_per_adc", 1, 1, 4096),
    };

    /// <summary>
    /// Silicon area (m²) of a network's weights on tiles of <paramref name="tile"/> × <paramref name="tile"/>:
    /// cells = Σ_layers n_in·n_out·(devices per weight: 1 single or reference, 2 differential; × N)
    /// plus one reference column per tile column block for the reference mapping, each
    /// <see cref="CellAreaF2"/>·F²; ADCs = Σ_layers n_out·⌈n_in/tile⌉ / <see cref="ColumnsPerAdc"/>
    /// (every tile row block reads all its columns), each <see cref="AdcArea"/>. DACs, drivers,
    /// accumulators and wiring are not included (NeuroSim models them; here they are left out).
    /// </summary>
    public (double Array, double Adc) Area(Sequential net, CellMapping mapping, int tile)
    {
        ArgumentNullException.ThrowIfNull(net);
        double cells = 0, adcs = 0;
        int perWeight = (mapping.Kind == MappingKind.Differential ? 2 : 1) * mapping.DevicesPerWeight;
        foreach (var w in ConvNets.WeightMatrices(net))
        {
            long rowBlocks = (w.Inputs + tile - 1) / tile, colBlocks = (w.Outputs + tile - 1) / tile;
            cells += (double)w.Inputs * w.Outputs * perWeight;
            if (mapping.Kind == MappingKind.Reference) cells += (double)w.Inputs * mapping.DevicesPerWeight * colBlocks;
            adcs += Math.Ceiling((double)w.Outputs * rowBlocks / ColumnsPerAdc);
        }
        return (cells * CellAreaF2 * FeatureSize * FeatureSize, adcs * AdcArea);
    }

    /// <summary>Energy per operation kind (J) for counts made with ADC of <paramref name="adcBits"/> bits on tiles of <paramref name="tileCols"/> columns.</summary>
    public (string Part, double Joules)[] Breakdown(OpCounters c, int adcBits, int tileCols)
    {
        double enob = AdcEnob > 0 ? AdcEnob : Math.Max(1, adcBits - 1);
        return
        [
            ("array (G·V²·t)", c[Op.Mac] * Conductance * ReadVoltage * ReadVoltage * ReadTime),
            ("ADC", c[Op.AdcConversion] * AdcFom * Math.Pow(2, enob)),
            ("DAC", c[Op.DacConversion] * tileCols * CellCapacitance * ReadVoltage * ReadVoltage),
            ("digital accumulate", c[Op.Accumulate] * AccumulateEnergy),
            ("programming", c[Op.ProgrammingPulse] * PulseEnergy),
        ];
    }
}
