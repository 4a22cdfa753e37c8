using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Numerics;

namespace Neuromorph.Learning.Unsupervised;

/// <summary>
/// Parameters of the Querlioz et al. 2013 network (IEEE Trans. Nanotechnol. 12:288), SI units
/// for times and rates; potentials in units of the maximal synaptic weight. The structure and rule
/// are the paper's: rate-coded inputs, leaky integrate-and-fire outputs with winner-take-all
/// lateral inhibition, a simplified STDP applied as one programming pulse per synapse, homeostatic
/// thresholds. Defaults are the values of the authors' own simulator model of this network
/// (N2D2, CEA LIST: models/mnist-stdp.ini and mnist-stdp-ijcnn.ini, "Querlioz IJCNN 2011 model",
/// with the Spike_Analog neuron of FcCell_Spike_Analog): threshold 50 (weights in [10⁻⁴, 1]),
/// τ_leak 100, T_LTP 50, T_refrac 10 and a lateral inhibition that only resets the potentials
/// (InhibitRefractory ≈ 10⁻⁵ τ_leak), in time units scaled so that the brightest pixel fires every
/// 45 (22 Hz for τ_leak = 100 ms); its stimulus model too (jittered-periodic trains, pixels below
/// 0.33 silent, 1 µs = 1 s here per image for training and test). The homeostasis rate and period
/// are this implementation's choice, scanned on MNIST (the model file runs without homeostasis);
/// see docs/stdp.md.
/// </summary>
public sealed record QuerliozParams
{
    /// <summary>Spike coding of the input pixels.</summary>
    public QuerliozInputCoding InputCoding { get; init; } = QuerliozInputCoding.JitteredPeriodic;
    /// <summary>
    /// Rate of the dimmest pixel that still fires (Hz; N2D2 model: mean period 12,000 against 45 for white,
    /// i.e. <see cref="MaxRate"/>/267). For pixel value v the rate is f_min + (f_max − f_min)·v.
    /// </summary>
    public double MinRate { get; init; } = 22.0 * 45.0 / 12000.0;
    /// <summary>Pixels with value below this fire no spike at all (N2D2 <c>DiscardedLateStimuli = 0.67</c>: v &lt; 1 − 0.67).</summary>
    public double InputCutoff { get; init; } = 0.33;
    /// <summary>Jittered-periodic coding: relative standard deviation of each inter-spike interval (N2D2 <c>PeriodRelStdDev</c> 0.1).</summary>
    public double PeriodJitter { get; init; } = 0.1;
    /// <summary>Jittered-periodic coding: shortest inter-spike interval (s; N2D2 <c>PeriodMin</c> 11 against a white period of 45).</summary>
    public double MinPeriod { get; init; } = 0.011;
    public int Inputs { get; init; } = 784;
    public int Neurons { get; init; } = 100;
    /// <summary>Input rate of a full-intensity pixel (Hz).</summary>
    public double MaxRate { get; init; } = 22.0;
    /// <summary>
    /// Presentation time per image (s), training and test; images follow one another without rest, each
    /// starting from u = 0 (N2D2: 1 µs per stimulus against a white-pixel period of 45 ns and τ_leak 100 ns,
    /// i.e. 1 s here).
    /// </summary>
    public double PresentationTime { get; init; } = 1.0;
    /// <summary>Membrane leak time constant τ_leak (s): u ← u·exp(−Δt/τ_leak) between input events.</summary>
    public double TauLeak { get; init; } = 0.1;
    /// <summary>Initial firing threshold (sum-of-weights units; N2D2 model: 50).</summary>
    public double Threshold { get; init; } = 50;
    /// <summary>Lowest threshold homeostasis may reach.</summary>
    public double MinThreshold { get; init; } = 5;
    /// <summary>After a spike, every other neuron ignores input for T_inhibit (s) and all potentials are reset (N2D2 model: reset only, T_inhibit ≈ 0).</summary>
    public double InhibitTime { get; init; } = 0;
    /// <summary>Refractory period of the neuron that spiked (s; N2D2 model: τ_leak/10).</summary>
    public double RefractoryTime { get; init; } = 0.01;
    /// <summary>LTP window T_LTP (s): at a post spike, inputs that spiked within it are potentiated, all others depressed (N2D2 model: τ_leak/2).</summary>
    public double LtpWindow { get; init; } = 0.05;
    /// <summary>Initial effective weights (G − G_min)/(G_max − G_min) = this·(1 + <see cref="InitialWeightSpread"/>·z), clipped to [0, 1] (N2D2 model: 0.67 ± 20 %).</summary>
    public double InitialWeight { get; init; } = 0.67;
    /// <summary>Relative spread of the initial weights.</summary>
    public double InitialWeightSpread { get; init; } = 0.2;
    /// <summary>Homeostasis: every <see cref="HomeostasisPeriod"/> images θ_j += rate·(A_j − Ā) with A_j the neuron's spikes in the period and Ā their mean.</summary>
    public int HomeostasisPeriod { get; init; } = 10;
    /// <summary>Homeostasis rate (threshold units per spike of excess activity).</summary>
    public double HomeostasisRate { get; init; } = 0.05;
    /// <summary>Step of the ideal (float) substrate as a fraction of the weight range per LTP/LTD event.</summary>
    public double IdealStep { get; init; } = 0.01;

    /// <summary>Throws naming the parameter when a value is out of range.</summary>
    public void Validate()
    {
        static void Pos(double v, string n) { if (!(v > 0) || double.IsInfinity(v)) throw new ArgumentOutOfRangeException(n, v, $"{n} must be positive"); }
        if (Inputs < 1) throw new ArgumentOutOfRangeException(nameof(Inputs), Inputs, "Inputs must be ≥ 1");
        if (Neurons < 2) throw new ArgumentOutOfRangeException(nameof(Neurons), Neurons, "Neurons must be ≥ 2");
        Pos(MaxRate, nameof(MaxRate)); Pos(MinPeriod, nameof(MinPeriod));
        if (!(MinRate >= 0 && MinRate <= MaxRate)) throw new ArgumentOutOfRangeException(nameof(MinRate), MinRate, "MinRate must be in [0, MaxRate]");
        if (!(InputCutoff >= 0 && InputCutoff < 1)) throw new ArgumentOutOfRangeException(nameof(InputCutoff), InputCutoff, "InputCutoff must be in [0, 1)");
        if (!(PeriodJitter >= 0 && PeriodJitter < 1)) throw new ArgumentOutOfRangeException(nameof(PeriodJitter), PeriodJitter, "PeriodJitter must be in [0, 1)");
        Pos(PresentationTime, nameof(PresentationTime)); Pos(TauLeak, nameof(TauLeak));
        Pos(Threshold, nameof(Threshold)); Pos(LtpWindow, nameof(LtpWindow)); Pos(IdealStep, nameof(IdealStep));
        if (InhibitTime < 0) throw new ArgumentOutOfRangeException(nameof(InhibitTime), InhibitTime, "InhibitTime must be ≥ 0");
        if (RefractoryTime < 0) throw new ArgumentOutOfRangeException(nameof(RefractoryTime), RefractoryTime, "RefractoryTime must be ≥ 0");
        if (HomeostasisPeriod < 1) throw new ArgumentOutOfRangeException(nameof(HomeostasisPeriod), HomeostasisPeriod, "HomeostasisPeriod must be ≥ 1");
        if (HomeostasisRate < 0) throw new ArgumentOutOfRangeException(nameof(HomeostasisRate), HomeostasisRate, "HomeostasisRate must be ≥ 0");
    }
}

/// <summary>How <see cref="QuerliozNetwork"/> turns pixel values v ∈ [0, 1] into input spike trains.</summary>
public enum QuerliozInputCoding
{
    /// <summary>
    /// The authors' simulator (N2D2 <c>JitteredPeriodic</c>): pixels with v &lt; <see cref="QuerliozParams.InputCutoff"/>
    /// are silent; others fire with mean period 1/f, f = f_min + (f_max − f_min)·v; each interval is drawn
    /// Normal(1/f, jitter/f), at least <see cref="QuerliozParams.MinPeriod"/>; the first spike comes at
    /// a uniform fraction of one interval.
    /// </summary>
    JitteredPeriodic,
    /// <summary>Poisson trains of rate v·f_max, every pixel (the coding of Diehl &amp; Cook 2015).</summary>
    Poisson,
}

/// <summary>
/// The Querlioz 2013 network, event-driven in continuous time. Each image is coded as spike trains
/// (<see cref="QuerliozInputCoding"/>) for <see cref="QuerliozParams.PresentationTime"/>, starting
/// from u = 0 and no refractoriness. On an input spike of input i at t:
/// u_j ← u_j·exp(−(t − t_last)/τ_leak) + w_ij for every neuron not inhibited or refractory; the
/// neuron with the largest u_j − θ_j &gt; 0 fires, all potentials reset to 0 and the others are
/// inhibited for T_inhibit. Learning: at a post spike of j, every synapse (k, j) receives one
/// potentiating pulse when input k spiked within T_LTP, else one depressing pulse — requested
/// from the <see cref="ISynapseStore"/> as Δw = ±δ with δ the store's pulse weight, so on a
/// <see cref="DeviceSynapseStore"/> the device model decides the actual change. The effective
/// weight is (w + 1)/2 of a store with range [−1, 1] (one device against a mid-range reference).
/// Homeostasis (training only): every <see cref="QuerliozParams.HomeostasisPeriod"/> images
/// θ_j ← max(θ_min, θ_j + γ·(A_j − Ā)), A_j the neuron's spikes in the period and Ā their mean.
/// </summary>
public sealed class QuerliozNetwork
{
    private readonly int _n, _in;
    private readonly float[] _u, _weff;
    private readonly double[] _theta, _until, _lastInput;
    private readonly int[] _period;
    private readonly float _delta;
    private double[] _times = new double[4096];
    private int[] _inputs = new int[4096];
    private int _imagesInPeriod;

    /// <summary>Parameters.</summary>
    public QuerliozParams Params { get; }
    /// <summary>The synapse store (synapse s = input·N + neuron), weights in [−1, 1].</summary>
    public ISynapseStore Store { get; }
    /// <summary>Thresholds θ_j.</summary>
    public ReadOnlySpan<double> Theta => _theta;
    /// <summary>Spike counts of the last presentation.</summary>
    public int[] Counts { get; }
    /// <summary>Operation counters (spikes, synaptic events, updates).</summary>
    public OpCounters Counters { get; } = new();
    /// <summary>Images trained so far (keys the input streams).</summary>
    public long TrainedImages { get; private set; }

    /// <summary>
    /// Creates the network on <paramref name="store"/> (null: an ideal store on [−1, 1]); initial
    /// effective weights <see cref="QuerliozParams.InitialWeight"/>·(1 ± spread) are programmed with <see cref="ISynapseStore.Set"/>.
    /// </summary>
    public QuerliozNetwork(QuerliozParams p, ulong seed, ISynapseStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        Params = p; _n = p.Neurons; _in = p.Inputs;
        int count = _n * _in;
        Store = store ?? new IdealSynapseStore(count, -1f, 1f);
        if (Store.Count != count) throw new ArgumentException($"store has {Store.Count} synapses; the network needs {count}", nameof(store));
        _delta = Store is DeviceSynapseStore ds ? ds.PulseWeight : (float)(2 * p.IdealStep);
        var r = new RandomStream(seed, "querlioz/weights");
        for (int s = 0; s < count; s++)
            Store.Set(s, (float)(2 * Math.Clamp(p.InitialWeight * (1 + p.InitialWeightSpread * r.NextNormal()), 0, 1) - 1));
        _u = new float[_n]; _weff = new float[count];
        _theta = new double[_n]; Array.Fill(_theta, p.Threshold);
        _until = new double[_n]; _lastInput = new double[_in];
        _period = new int[_n];
        Counts = new int[_n];
    }

    private void RefreshEffective()
    {
        var w = Store.Weights;
        for (int s = 0; s < _weff.Length; s++) _weff[s] = 0.5f * (w[s] + 1f);
    }

    /// <summary>Trains on one image (STDP and homeostasis on).</summary>
    public int Train(ReadOnlySpan<float> image, ulong seed)
    {
        int c = Present(image, new RandomStream(seed, "querlioz/train-input", (uint)TrainedImages), learn: true);
        TrainedImages++;
        if (++_imagesInPeriod >= Params.HomeostasisPeriod)
        {
            double mean = _period.Average();
            for (int j = 0; j < _n; j++) _theta[j] = Math.Max(Params.MinThreshold, _theta[j] + Params.HomeostasisRate * (_period[j] - mean));
            Array.Clear(_period); _imagesInPeriod = 0;
        }
        return c;
    }

    /// <summary>Frozen inference of one image; the counts are in <see cref="Counts"/>.</summary>
    public int Infer(ReadOnlySpan<float> image, ulong seed, uint index)
        => Present(image, new RandomStream(seed, "querlioz/test-input", index), learn: false);

    private void Push(ref int m, double t, int input)
    {
        if (m == _times.Length) { Array.Resize(ref _times, m * 2); Array.Resize(ref _inputs, m * 2); }
        _times[m] = t; _inputs[m] = input; m++;
    }

    /// <summary>One presentation; returns the number of output spikes.</summary>
    public int Present(ReadOnlySpan<float> image, RandomStream rng, bool learn)
    {
        if (image.Length != _in) throw new ArgumentException($"image has {image.Length} values, the network has {_in} inputs", nameof(image));
        var p = Params;
        double T = p.PresentationTime;
        int m = 0;
        for (int i = 0; i < _in; i++)
        {
            double v = image[i];
            if (p.InputCoding == QuerliozInputCoding.Poisson)
            {
                double rate = v * p.MaxRate;
                if (rate <= 0) continue;
                for (double t = rng.Exponential(rate); t < T; t += rng.Exponential(rate)) Push(ref m, t, i);
            }
            else
            {
                if (v < p.InputCutoff || v <= 0) continue;
                double period = 1 / (p.MinRate + (p.MaxRate - p.MinRate) * v);
                double t = Math.Max(0, rng.Normal(period, p.PeriodJitter * period)) * rng.NextDouble();
                while (t < T)
                {
                    Push(ref m, t, i);
                    t += Math.Max(p.MinPeriod, rng.Normal(period, p.PeriodJitter * period));
                }
            }
        }
        Array.Sort(_times, _inputs, 0, m);
        RefreshEffective();
        Array.Clear(_u); Array.Clear(Counts); Array.Fill(_until, double.NegativeInfinity); Array.Fill(_lastInput, double.NegativeInfinity);
        double tLast = 0, tau = p.TauLeak;
        int spikes = 0;
        long events = 0, pulses = 0;
        for (int q = 0; q < m; q++)
        {
            double t = _times[q]; int i = _inputs[q];
            _lastInput[i] = t;
            float f = (float)Math.Exp(-(t - tLast) / tau);
            tLast = t;
            System.Numerics.Tensors.TensorPrimitives.Multiply(_u, f, _u);
            var row = _weff.AsSpan(i * _n, _n);
            int best = -1; double bestMargin = 0;
            for (int j = 0; j < _n; j++)
            {
                if (t < _until[j]) continue;
                _u[j] += row[j];
                double margin = _u[j] - _theta[j];
                if (margin > bestMargin) { bestMargin = margin; best = j; }
            }
            events += _n;
            if (best < 0) continue;
            spikes++; Counts[best]++;
            if (learn)
            {
                _period[best]++;
                for (int k = 0; k < _in; k++)
                {
                    int s = k * _n + best;
                    Store.Update(s, t - _lastInput[k] <= p.LtpWindow ? _delta : -_delta);
                    _weff[s] = 0.5f * (Store.Weights[s] + 1f);
                }
                pulses += _in;
            }
            Array.Clear(_u);
            double inhibitEnd = t + p.InhibitTime;
            for (int j = 0; j < _n; j++) _until[j] = Math.Max(_until[j], inhibitEnd);
            _until[best] = t + p.RefractoryTime;
        }
        Counters.Add(Op.Spike, m + spikes);
        Counters.Add(Op.SynapticEvent, events);
        Counters.Add(Op.NeuronUpdate, events);
        if (pulses > 0) Counters.Add(Store is DeviceSynapseStore ? Op.ProgrammingPulse : Op.SynapticUpdate, pulses);
        return spikes;
    }
}

/// <summary>
/// The readout of Querlioz et al. 2013 and of the authors' simulator (N2D2 <c>FcCell_Spike::getBestResponseId</c>
/// and <c>Monitor::checkLearningResponse</c>): the response to an image is its winner, the output
/// neuron with the most spikes (the lowest index on a tie, neuron 0 when none fired); each neuron is
/// labelled with the class of the labelling images it won most often (−1 if it never won); an
/// image is classified as its winner's label.
/// </summary>
public static class QuerliozReadout
{
    /// <summary>The winner of one response: argmax_j counts_j, first maximum.</summary>
    public static int Winner(ReadOnlySpan<int> counts)
    {
        int arg = 0;
        for (int j = 1; j < counts.Length; j++) if (counts[j] > counts[arg]) arg = j;
        return arg;
    }

    /// <summary>
    /// label_j = argmax_c #{labelling images of class c won by j} (first maximum), −1 for a neuron that
    /// never won. <paramref name="counts"/> is row-major [sample, neuron].
    /// </summary>
    public static int[] Assign(ReadOnlySpan<int> counts, ReadOnlySpan<int> labels, int neurons, int classes)
    {
        if (counts.Length != labels.Length * neurons) throw new ArgumentException($"counts has {counts.Length} entries, expected samples·neurons = {labels.Length * neurons}", nameof(counts));
        var wins = new int[neurons * classes];
        for (int s = 0; s < labels.Length; s++)
        {
            int c = labels[s];
            if ((uint)c >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), c, $"label of sample {s} is outside [0, {classes})");
            wins[Winner(counts.Slice(s * neurons, neurons)) * classes + c]++;
        }
        var assign = new int[neurons];
        for (int j = 0; j < neurons; j++)
        {
            int best = 0, arg = -1;
            for (int c = 0; c < classes; c++) if (wins[j * classes + c] > best) { best = wins[j * classes + c]; arg = c; }
            assign[j] = arg;
        }
        return assign;
    }

    /// <summary>Classifies every row of a [sample, neuron] count matrix as its winner's label (−1: an unlabelled winner).</summary>
    public static int[] PredictAll(ReadOnlySpan<int> counts, ReadOnlySpan<int> assignments)
    {
        int neurons = assignments.Length, n = counts.Length / neurons;
        var pred = new int[n];
        for (int s = 0; s < n; s++) pred[s] = assignments[Winner(counts.Slice(s * neurons, neurons))];
        return pred;
    }
}
