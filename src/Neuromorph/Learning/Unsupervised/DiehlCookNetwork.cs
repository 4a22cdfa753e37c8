using System.Numerics;
using Neuromorph.Devices;
using Neuromorph.Energy;
using Neuromorph.Numerics;

namespace Neuromorph.Learning.Unsupervised;

/// <summary>
/// Per-worker dynamic state of a <see cref="DiehlCookNetwork"/>: membrane potentials,
/// conductances, refractory counters, the input spikes of the current presentation and the
/// spike counts. Training uses the network's own state; parallel inference gives each block of
/// images a copy, so results do not depend on the number of threads.
/// </summary>
public sealed class DiehlCookState
{
    internal readonly float[] VE, GeE, GiE, RefE, VI, GeI, RefI;
    internal readonly int[] ExcSpikes, InhSpikes;
    internal readonly float[] Tmp;
    internal int[] PairInput = new int[4096], PairStep = new int[4096];
    internal int[] StepStart, StepInputs = new int[4096];
    /// <summary>Excitatory spike counts of the last presentation window, one per neuron.</summary>
    public int[] Counts { get; }
    /// <summary>When set, every excitatory spike is appended as (step within the presentation, neuron).</summary>
    public List<(int Step, int Neuron)>? Recorded { get; set; }
    /// <summary>Operation counters of the presentations run on this state.</summary>
    public OpCounters Counters { get; } = new();

    internal DiehlCookState(DiehlCookParams p)
    {
        int n = p.Neurons;
        VE = new float[n]; GeE = new float[n]; GiE = new float[n]; RefE = new float[n];
        VI = new float[n]; GeI = new float[n]; RefI = new float[n];
        ExcSpikes = new int[n]; InhSpikes = new int[n]; Tmp = new float[n];
        Counts = new int[n];
        StepStart = new int[p.PresentationSteps + 2];
        Array.Fill(VE, (float)(p.VRestE + p.InitialVOffset));
        Array.Fill(VI, (float)(p.VRestI + p.InitialVOffset));
    }

    /// <summary>A copy of the neuron state (not of the input buffers or counters).</summary>
    public DiehlCookState Copy(DiehlCookParams p)
    {
        var s = new DiehlCookState(p);
        VE.CopyTo(s.VE, 0); GeE.CopyTo(s.GeE, 0); GiE.CopyTo(s.GiE, 0); RefE.CopyTo(s.RefE, 0);
        VI.CopyTo(s.VI, 0); GeI.CopyTo(s.GeI, 0); RefI.CopyTo(s.RefI, 0);
        return s;
    }

    internal float[][] Arrays => [VE, GeE, GiE, RefE, VI, GeI, RefI];
}

/// <summary>
/// The Diehl &amp; Cook 2015 network: N conductance-based excitatory LIF neurons with adaptive
/// thresholds driven by 784 Poisson inputs through plastic synapses (per-synapse delays), one
/// inhibitory neuron per excitatory neuron (one-to-one excitation) inhibiting every other
/// excitatory neuron; triplet-style STDP with traces; per-neuron weight normalisation.
/// </summary>
/// <remarks>
/// <para>Same equations, parameters and update order as the authors' script and the Brian2
/// reference (membrane step of all neurons — exponential Euler by default, forward Euler as the reference
/// on request, see <see cref="DiehlCookParams.ExponentialEuler"/> — then thresholds, then synaptic events — input arrivals
/// before postsynaptic STDP — then resets). Per synapse (i, j), with traces set to 1 on their
/// event and decaying exactly, x(t) = exp(−(t − t_last)/τ):</para>
/// <para>arrival of a presynaptic spike (after its delay): g_e,j += w_ij; x_pre,ij ← 1;
/// w_ij ← clip(w_ij − η_pre·x_post1,j, 0, w_max).</para>
/// <para>postsynaptic spike of j: w_ij ← clip(w_ij + η_post·x_pre,ij·x_post2,j(t⁻), 0, w_max) for all i;
/// x_post1,j ← 1, x_post2,j ← 1.</para>
/// <para>Faster than a general engine by event-driven input delivery over (input, delay)-sorted
/// lists, spike trains drawn as geometric gaps, traces evaluated from last-event times through
/// lookup tables (values below 2⁻³⁰ are read as 0) and vectorised neuron updates — the model is unchanged.
/// Weights live in an <see cref="ISynapseStore"/> (synapse s = i·N + j); every change goes through
/// <see cref="ISynapseStore.Update"/>/<see cref="ISynapseStore.Set"/>, except that an
/// <see cref="IdealSynapseStore"/> is written directly with the identical arithmetic.</para>
/// </remarks>
public sealed class DiehlCookNetwork
{
    private const int Never = int.MinValue / 2;
    private const int RebaseAt = 1 << 30;
    private readonly int _n, _in, _on, _rest, _dmax;
    private readonly int[] _evPost, _evStart; // input i, delay d: posts _evPost[_evStart[i*(D+1)+d] .. _evStart[i*(D+1)+d+1])
    private readonly int[] _tPre, _tPost;      // last arrival step per synapse, last spike step per excitatory neuron
    private readonly float[] _preTable, _post1Table, _post2Table, _dep, _thr;
    private readonly double[] _theta;
    private readonly IdealSynapseStore? _ideal;  // written directly (same arithmetic as Update)
    private readonly float[] _colSum;
    private int _step;

    /// <summary>Parameters.</summary>
    public DiehlCookParams Params { get; }
    /// <summary>The input→excitatory weights (synapse s = input·N + neuron).</summary>
    public ISynapseStore Store { get; }
    /// <summary>Adaptive thresholds θ (V), one per excitatory neuron.</summary>
    public ReadOnlySpan<double> Theta => _theta;
    /// <summary>The training state (neurons carry their state from one image to the next).</summary>
    public DiehlCookState State { get; private set; }
    /// <summary>Presentations run in training so far (repeats included); keys the input streams.</summary>
    public long TrainingPresentations { get; private set; }
    /// <summary>Operation counters of training (including synaptic updates).</summary>
    public OpCounters TrainingCounters => State.Counters;
    /// <summary>Delay (steps) of synapse s.</summary>
    public int DelaySteps(int synapse) => _delay[synapse];
    private readonly byte[] _delay;

    /// <summary>
    /// Builds the network with initial weights (U + 0.01)·0.3 and delays U(0, 10 ms) drawn from
    /// streams keyed by <paramref name="seed"/>, programmed into <paramref name="store"/> through
    /// <see cref="ISynapseStore.Set"/>. Pass null for an ideal store with bounds [0, ∞) (the
    /// rule clips to [0, w_max] itself; normalisation may lift a weight above w_max as in the reference).
    /// </summary>
    public DiehlCookNetwork(DiehlCookParams p, ulong seed, ISynapseStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        p.Validate();
        Params = p;
        _n = p.Neurons; _in = p.Inputs; _on = p.PresentationSteps; _rest = p.RestSteps; _dmax = p.MaxDelaySteps;
        int count = _n * _in;
        if (_dmax > 255) throw new ArgumentOutOfRangeException(nameof(p), p.MaxDelay, "MaxDelay must be at most 255 time steps");
        Store = store ?? new IdealSynapseStore(count, 0f, float.PositiveInfinity);
        if (Store.Count != count) throw new ArgumentException($"store has {Store.Count} synapses; the network needs Inputs·Neurons = {count}", nameof(store));
        _ideal = Store as IdealSynapseStore;

        var rw = new RandomStream(seed, "diehl-cook/weights");
        var rd = new RandomStream(seed, "diehl-cook/delays");
        _delay = new byte[count];
        for (int s = 0; s < count; s++)
        {
            Store.Set(s, (float)((rw.NextDouble() + 0.01) * p.InitialWeightScale));
            _delay[s] = (byte)Math.Min(_dmax, (int)Math.Round(rd.Uniform(0, p.MaxDelay) / p.Dt));
        }
        // (input, delay)-sorted delivery lists.
        int d1 = _dmax + 1;
        _evStart = new int[_in * d1 + 1];
        _evPost = new int[count];
        for (int s = 0; s < count; s++) _evStart[(s / _n) * d1 + _delay[s] + 1]++;
        for (int k = 0; k < _in * d1; k++) _evStart[k + 1] += _evStart[k];
        var fill = _evStart[..^1].ToArray();
        for (int s = 0; s < count; s++) _evPost[fill[(s / _n) * d1 + _delay[s]]++] = s % _n;

        _tPre = new int[count]; Array.Fill(_tPre, Never);
        _tPost = new int[_n]; Array.Fill(_tPost, Never);
        _preTable = Table(p.TauPre, p.Dt); _post1Table = Table(p.TauPost1, p.Dt); _post2Table = Table(p.TauPost2, p.Dt);
        _dep = new float[_n]; _thr = new float[_n]; _colSum = new float[_n];
        _theta = new double[_n]; Array.Fill(_theta, p.ThetaInitial);
        RefreshThresholds();
        State = new DiehlCookState(p);
    }

    /// <summary>exp(−k·dt/τ) for k = 0, 1, … until the value drops below 2⁻³⁰.</summary>
    private static float[] Table(double tau, double dt)
    {
        int len = (int)Math.Ceiling(30 * Math.Log(2) * tau / dt) + 1;
        var t = new float[len];
        for (int k = 0; k < len; k++) t[k] = (float)Math.Exp(-k * dt / tau);
        return t;
    }

    private static float Lookup(float[] table, int steps) => (uint)steps < (uint)table.Length ? table[steps] : 0f;

    private void RefreshThresholds()
    {
        var p = Params;
        for (int j = 0; j < _n; j++) _thr[j] = (float)(_theta[j] - p.ThetaOffset + p.VThreshE);
    }

    /// <summary>Current weight of synapse (input, neuron).</summary>
    public float Weight(int input, int neuron) => Store.Weights[input * _n + neuron];

    /// <summary>Scales every neuron's input weights to sum to <see cref="DiehlCookParams.WeightSum"/> (through <see cref="ISynapseStore.Set"/>).</summary>
    public void Normalise()
    {
        var w = Store.Weights;
        Array.Clear(_colSum);
        for (int i = 0; i < _in; i++) TensorAdd(_colSum, w.Slice(i * _n, _n));
        float target = (float)Params.WeightSum;
        for (int j = 0; j < _n; j++) _colSum[j] = _colSum[j] > 0 ? target / _colSum[j] : 1f;
        if (_ideal != null)
        {
            var raw = _ideal.RawWeights;
            for (int i = 0; i < _in; i++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(raw.Slice(i * _n, _n), _colSum, raw.Slice(i * _n, _n));
            State.Counters.Add(Op.SynapticUpdate, (long)_in * _n);
        }
        else
        {
            for (int i = 0; i < _in; i++)
                for (int j = 0; j < _n; j++) { int s = i * _n + j; Store.Set(s, Store.Weights[s] * _colSum[j]); }
        }
    }

    private static void TensorAdd(float[] acc, ReadOnlySpan<float> x) => System.Numerics.Tensors.TensorPrimitives.Add(acc, x, acc);

    /// <summary>
    /// Trains on one image: normalise, present, and repeat with intensity + 1 while the
    /// excitatory layer fires fewer than <see cref="DiehlCookParams.MinSpikes"/> spikes.
    /// Returns the number of presentations; <see cref="DiehlCookState.Counts"/> holds the valid one's counts.
    /// </summary>
    public int Train(ReadOnlySpan<float> image, ulong seed)
    {
        var p = Params;
        double intensity = p.StartIntensity;
        for (int rep = 1; ; rep++)
        {
            Normalise();
            int spikes = Present(image, State, intensity, new RandomStream(seed, "diehl-cook/train-input", (uint)TrainingPresentations), learn: true);
            TrainingPresentations++;
            if (spikes >= p.MinSpikes || rep >= p.MaxPresentations) return rep;
            intensity += p.IntensityStep;
        }
    }

    /// <summary>
    /// Infers one image with frozen weights and thresholds on <paramref name="state"/> (repeats
    /// with higher intensity as in training); the input stream is keyed by (seed, <paramref name="component"/>, <paramref name="index"/>).
    /// Returns the presentations used; the valid one's counts are in <see cref="DiehlCookState.Counts"/>.
    /// </summary>
    public int Infer(ReadOnlySpan<float> image, DiehlCookState state, ulong seed, string component, uint index)
    {
        var p = Params;
        double intensity = p.StartIntensity;
        for (int rep = 1; ; rep++)
        {
            int spikes = Present(image, state, intensity, new RandomStream(seed, component, index * 64u + (uint)(rep - 1)), learn: false);
            if (spikes >= p.MinSpikes || rep >= p.MaxPresentations) return rep;
            intensity += p.IntensityStep;
        }
    }

    /// <summary>A fresh copy of the training state for a parallel inference block.</summary>
    public DiehlCookState ForkState() => State.Copy(Params);

    /// <summary>
    /// One presentation (window + rest) at the given intensity. With <paramref name="learn"/>,
    /// STDP and the adaptive threshold are active (training); otherwise weights and θ are frozen.
    /// Returns the excitatory spikes of the window.
    /// </summary>
    public int Present(ReadOnlySpan<float> image, DiehlCookState st, double intensity, RandomStream rng, bool learn)
    {
        if (image.Length != _in) throw new ArgumentException($"image has {image.Length} values, the network has {_in} inputs", nameof(image));
        DrawInputs(image, st, intensity, ref rng);
        return Run(st, learn);
    }

    /// <summary>
    /// One presentation (window + rest) with given input spikes: input <paramref name="inputs"/>[q]
    /// fires at window step <paramref name="steps"/>[q] (0 ≤ step &lt; presentation steps). For
    /// controlled experiments and tests; otherwise identical to <see cref="Present(ReadOnlySpan{float}, DiehlCookState, double, RandomStream, bool)"/>.
    /// </summary>
    public int PresentSpikes(ReadOnlySpan<int> steps, ReadOnlySpan<int> inputs, DiehlCookState st, bool learn)
    {
        if (steps.Length != inputs.Length) throw new ArgumentException("steps and inputs must have the same length", nameof(inputs));
        int pairs = steps.Length;
        if (st.PairInput.Length < pairs) { st.PairInput = new int[pairs]; st.PairStep = new int[pairs]; }
        for (int q = 0; q < pairs; q++)
        {
            if ((uint)steps[q] >= (uint)_on) throw new ArgumentOutOfRangeException(nameof(steps), steps[q], $"spike step must be in [0, {_on})");
            if ((uint)inputs[q] >= (uint)_in) throw new ArgumentOutOfRangeException(nameof(inputs), inputs[q], $"input must be in [0, {_in})");
            st.PairInput[q] = inputs[q]; st.PairStep[q] = steps[q];
        }
        SortPairs(st, pairs);
        return Run(st, learn);
    }

    /// <summary>The global training step at which the next training presentation starts (spike times of <see cref="DiehlCookState.Recorded"/> are relative to the presentation).</summary>
    public int TrainingStep => _step;

    private int Run(DiehlCookState st, bool learn)
    {
        var p = Params;
        if (learn && _step > RebaseAt) Rebase();
        Array.Clear(st.Counts);
        var ctr = st.Counters;
        long events = 0, updates = 0, excSpikesTotal = 0, inhSpikesTotal = 0;
        int total = _on + _rest, d1 = _dmax + 1;
        float a = (float)(p.Dt / p.TauE), ai = (float)(p.Dt / p.TauI);
        float fge = (float)(1 - p.Dt / p.TauGe), fgi = (float)(1 - p.Dt / p.TauGi);
        float refE = (float)Math.Round(p.RefractoryE / p.Dt), refI = (float)Math.Round(p.RefractoryI / p.Dt);
        double thetaDecay = 1 - p.Dt / p.TauTheta;
        float wmax = (float)p.WMax, etaPost = (float)p.EtaPost, etaPre = (float)p.EtaPre;
        float wei = (float)p.WExcInh, wie = (float)p.WInhExc;
        bool fast = _ideal != null;
        Span<float> w = fast ? _ideal!.RawWeights : default;
        ReadOnlySpan<float> wr = Store.Weights;
        int localStep = learn ? _step : 0;
        float[]? expTmp = p.ExponentialEuler ? st.Tmp : null;
        for (int k = 0; k < total; k++, localStep++)
        {
            // 1. state update of all neurons.
            if (learn)
            {
                for (int j = 0; j < _n; j++) { _theta[j] *= thetaDecay; _thr[j] = (float)(_theta[j] - p.ThetaOffset + p.VThreshE); }
            }
            int ne = StepPopulation(st.VE, st.GeE, st.GiE, st.RefE, _thr, st.ExcSpikes, a, fge, fgi, (float)p.VRestE, (float)p.EExc, (float)p.EInhE, 0f, expTmp);
            int ni = StepPopulation(st.VI, st.GeI, null, st.RefI, null, st.InhSpikes, ai, fge, fgi, (float)p.VRestI, (float)p.EExc, (float)p.EInhI, (float)p.VThreshI, expTmp);
            // 3. synaptic events: input arrivals (pre pathway) first.
            bool anyArrival = false;
            for (int d = 0; d <= _dmax && !anyArrival; d++)
            {
                int src = k - d;
                if (src >= 0 && src < _on && st.StepStart[src + 1] > st.StepStart[src]) anyArrival = true;
            }
            if (anyArrival)
            {
                if (learn)
                    for (int j = 0; j < _n; j++) _dep[j] = etaPre * Lookup(_post1Table, localStep - _tPost[j]);
                for (int d = 0; d <= _dmax; d++)
                {
                    int src = k - d;
                    if (src < 0 || src >= _on) continue;
                    for (int q = st.StepStart[src]; q < st.StepStart[src + 1]; q++)
                    {
                        int i = st.StepInputs[q];
                        int b = _evStart[i * d1 + d], e = _evStart[i * d1 + d + 1];
                        int row = i * _n;
                        events += e - b;
                        if (!learn)
                        {
                            for (int r = b; r < e; r++) { int j = _evPost[r]; st.GeE[j] += wr[row + j]; }
                        }
                        else if (fast)
                        {
                            for (int r = b; r < e; r++)
                            {
                                int j = _evPost[r], s = row + j;
                                float ws = w[s];
                                st.GeE[j] += ws;
                                _tPre[s] = localStep;
                                w[s] = Math.Min(Math.Max(ws - _dep[j], 0f), wmax);
                            }
                            updates += e - b;
                        }
                        else
                        {
                            for (int r = b; r < e; r++)
                            {
                                int j = _evPost[r], s = row + j;
                                float ws = wr[s];
                                st.GeE[j] += ws;
                                _tPre[s] = localStep;
                                float nw = Math.Min(Math.Max(ws - _dep[j], 0f), wmax);
                                if (nw != ws) { Store.Update(s, nw - ws); updates++; }
                            }
                        }
                    }
                }
            }
            // post pathway: potentiation of the spiking neurons' input synapses.
            if (learn)
            {
                for (int q = 0; q < ne; q++)
                {
                    int j = st.ExcSpikes[q];
                    float x2 = etaPost * Lookup(_post2Table, localStep - _tPost[j]);
                    for (int i = 0; i < _in; i++)
                    {
                        int s = i * _n + j;
                        float dw = x2 * Lookup(_preTable, localStep - _tPre[s]);
                        if (fast) w[s] = Math.Min(Math.Max(w[s] + dw, 0f), wmax);
                        else
                        {
                            float ws = wr[s], nw = Math.Min(Math.Max(ws + dw, 0f), wmax);
                            if (nw != ws) Store.Update(s, nw - ws);
                        }
                    }
                    updates += _in;
                    _tPost[j] = localStep;
                }
            }
            // excitatory → inhibitory (one-to-one), inhibitory → all other excitatory.
            for (int q = 0; q < ne; q++) st.GeI[st.ExcSpikes[q]] += wei;
            if (ni > 0)
            {
                for (int q = 0; q < ni; q++)
                {
                    int m = st.InhSpikes[q];
                    System.Numerics.Tensors.TensorPrimitives.Add(st.GiE, wie, st.GiE);
                    st.GiE[m] -= wie;
                }
            }
            // 4. resets.
            for (int q = 0; q < ne; q++)
            {
                int j = st.ExcSpikes[q];
                st.VE[j] = (float)p.VResetE; st.RefE[j] = refE;
                if (learn) { _theta[j] += p.ThetaPlus; _thr[j] = (float)(_theta[j] - p.ThetaOffset + p.VThreshE); }
                if (k < _on) st.Counts[j]++;
                st.Recorded?.Add((k, j));
            }
            for (int q = 0; q < ni; q++) { int m = st.InhSpikes[q]; st.VI[m] = (float)p.VResetI; st.RefI[m] = refI; }
            excSpikesTotal += ne; inhSpikesTotal += ni;
        }
        if (learn) _step = localStep;
        long inputSpikes = st.StepStart[_on];
        ctr.Add(Op.Spike, inputSpikes + excSpikesTotal + inhSpikesTotal);
        ctr.Add(Op.SynapticEvent, events + excSpikesTotal + inhSpikesTotal * (_n - 1));
        ctr.Add(Op.NeuronUpdate, 2L * _n * total);
        if (updates > 0) ctr.Add(Op.SynapticUpdate, updates);
        int c = 0;
        foreach (var x in st.Counts) c += x;
        return c;
    }

    /// <summary>
    /// Euler step of one conductance-based LIF population; writes the indices of neurons that
    /// cross threshold into <paramref name="spikes"/> and returns their number. Refractory
    /// neurons (counter &gt; 0 after decrement) keep v; conductances always decay.
    /// </summary>
    private static int StepPopulation(float[] v, float[] ge, float[]? gi, float[] refc, float[]? thr, int[] spikes,
        float a, float fge, float fgi, float vrest, float eexc, float einh, float fixedThr, float[]? expTmp)
    {
        if (expTmp != null) return StepPopulationExp(v, ge, gi, refc, thr, spikes, a, fge, fgi, vrest, eexc, einh, fixedThr, expTmp);
        int n = v.Length, j = 0, count = 0;
        int vw = Vector<float>.Count;
        var va = new Vector<float>(a); var vrs = new Vector<float>(vrest); var vex = new Vector<float>(eexc); var vin = new Vector<float>(einh);
        var vfge = new Vector<float>(fge); var vfgi = new Vector<float>(fgi); var one = Vector<float>.One; var zero = Vector<float>.Zero;
        var vthrFixed = new Vector<float>(fixedThr);
        for (; j <= n - vw; j += vw)
        {
            var vv = new Vector<float>(v, j); var g1 = new Vector<float>(ge, j);
            var g2 = gi != null ? new Vector<float>(gi, j) : zero;
            var rc = Vector.Max(new Vector<float>(refc, j) - one, zero);
            var dv = va * ((vrs - vv) + g1 * (vex - vv) + g2 * (vin - vv));
            var free = Vector.Equals(rc, zero);
            var nv = Vector.ConditionalSelect(free, vv + dv, vv);
            nv.CopyTo(v, j); rc.CopyTo(refc, j);
            (g1 * vfge).CopyTo(ge, j);
            if (gi != null) (g2 * vfgi).CopyTo(gi, j);
            var th = thr != null ? new Vector<float>(thr, j) : vthrFixed;
            var fire = Vector.BitwiseAnd(Vector.GreaterThan(nv, th), free);
            if (fire != Vector<int>.Zero)
                for (int q = 0; q < vw; q++) if (fire[q] != 0) spikes[count++] = j + q;
        }
        for (; j < n; j++)
        {
            float rc = Math.Max(refc[j] - 1f, 0f);
            float vv = v[j], g2 = gi != null ? gi[j] : 0f;
            float nv = rc == 0f ? vv + a * ((vrest - vv) + ge[j] * (eexc - vv) + g2 * (einh - vv)) : vv;
            v[j] = nv; refc[j] = rc; ge[j] *= fge;
            if (gi != null) gi[j] *= fgi;
            float th = thr != null ? thr[j] : fixedThr;
            if (rc == 0f && nv > th) spikes[count++] = j;
        }
        return count;
    }

    /// <summary>Exponential-Euler variant of <see cref="StepPopulation"/> (see <see cref="DiehlCookParams.ExponentialEuler"/>).</summary>
    private static int StepPopulationExp(float[] v, float[] ge, float[]? gi, float[] refc, float[]? thr, int[] spikes,
        float a, float fge, float fgi, float vrest, float eexc, float einh, float fixedThr, float[] tmp)
    {
        int n = v.Length, count = 0;
        var span = tmp.AsSpan(0, n);
        // tmp = −a·(1 + g_e + g_i), then exp.
        for (int j = 0; j < n; j++) span[j] = -a * (1f + ge[j] + (gi != null ? gi[j] : 0f));
        System.Numerics.Tensors.TensorPrimitives.Exp(span, span);
        for (int j = 0; j < n; j++)
        {
            float rc = Math.Max(refc[j] - 1f, 0f);
            float g1 = ge[j], g2 = gi != null ? gi[j] : 0f;
            float vv = v[j];
            if (rc == 0f)
            {
                float vinf = (vrest + g1 * eexc + g2 * einh) / (1f + g1 + g2);
                vv = vinf + (vv - vinf) * span[j];
                v[j] = vv;
            }
            refc[j] = rc; ge[j] = g1 * fge;
            if (gi != null) gi[j] = g2 * fgi;
            float th = thr != null ? thr[j] : fixedThr;
            if (rc == 0f && vv > th) spikes[count++] = j;
        }
        return count;
    }

    /// <summary>Draws the window's Poisson input spikes as geometric gaps (p = rate·dt per step) and sorts them by step.</summary>
    private void DrawInputs(ReadOnlySpan<float> image, DiehlCookState st, double intensity, ref RandomStream rng)
    {
        var p = Params;
        int pairs = 0;
        double scale = p.RatePerIntensity * intensity * p.Dt;
        for (int i = 0; i < _in; i++)
        {
            double prob = image[i] * scale;
            if (prob <= 0) continue;
            if (prob >= 1) throw new InvalidOperationException($"input rate·dt = {prob:G3} ≥ 1 at intensity {intensity}; lower the pixel values or dt");
            double logq = Math.Log(1 - prob);
            long step = -1;
            while (true)
            {
                double u = 1 - rng.NextDouble(); // (0, 1]
                step += 1 + (long)Math.Floor(Math.Log(u) / logq);
                if (step >= _on) break;
                if (pairs == st.PairInput.Length) { Array.Resize(ref st.PairInput, pairs * 2); Array.Resize(ref st.PairStep, pairs * 2); }
                st.PairInput[pairs] = i; st.PairStep[pairs] = (int)step; pairs++;
            }
        }
        SortPairs(st, pairs);
    }

    private void SortPairs(DiehlCookState st, int pairs)
    {
        var start = st.StepStart;
        Array.Clear(start);
        for (int q = 0; q < pairs; q++) start[st.PairStep[q] + 1]++;
        for (int k = 0; k < _on; k++) start[k + 1] += start[k];
        start[_on + 1] = start[_on];
        if (st.StepInputs.Length < pairs) st.StepInputs = new int[Math.Max(pairs, st.StepInputs.Length * 2)];
        // stable fill: inputs ascending within a step
        Span<int> cursor = _on <= 4096 ? stackalloc int[_on] : new int[_on];
        start.AsSpan(0, _on).CopyTo(cursor);
        for (int q = 0; q < pairs; q++) st.StepInputs[cursor[st.PairStep[q]]++] = st.PairInput[q];
    }

    private void Rebase()
    {
        int shift = RebaseAt / 2;
        for (int s = 0; s < _tPre.Length; s++) _tPre[s] = _tPre[s] == Never ? Never : Math.Max(_tPre[s] - shift, Never);
        for (int j = 0; j < _n; j++) _tPost[j] = _tPost[j] == Never ? Never : Math.Max(_tPost[j] - shift, Never);
        _step -= shift;
    }

    /// <summary>Writes the training state (weights, θ, traces, neuron state) into a checkpoint.</summary>
    public void SaveTo(Experiments.Checkpoint cp)
    {
        cp.Set("dc/weights", Store.Weights.ToArray());
        cp.Set("dc/theta", (double[])_theta.Clone());
        cp.Set("dc/tpre", (int[])_tPre.Clone());
        cp.Set("dc/tpost", (int[])_tPost.Clone());
        cp.Set("dc/step", (long)_step);
        cp.Set("dc/presentations", TrainingPresentations);
        var arr = State.Arrays;
        for (int k = 0; k < arr.Length; k++) cp.Set($"dc/state{k}", (float[])arr[k].Clone());
    }

    /// <summary>Restores what <see cref="SaveTo"/> wrote (weights through <see cref="ISynapseStore.Set"/>).</summary>
    public void LoadFrom(Experiments.Checkpoint cp)
    {
        var wts = cp.GetFloats("dc/weights");
        if (wts.Length != Store.Count) throw new InvalidDataException($"checkpoint holds {wts.Length} weights; the network has {Store.Count}");
        for (int s = 0; s < wts.Length; s++) Store.Set(s, wts[s]);
        cp.GetDoubles("dc/theta").CopyTo(_theta, 0);
        cp.GetInts("dc/tpre").CopyTo(_tPre, 0);
        cp.GetInts("dc/tpost").CopyTo(_tPost, 0);
        _step = (int)cp.GetLong("dc/step");
        TrainingPresentations = cp.GetLong("dc/presentations");
        var arr = State.Arrays;
        for (int k = 0; k < arr.Length; k++) cp.GetFloats($"dc/state{k}").CopyTo(arr[k], 0);
        RefreshThresholds();
    }

    /// <summary>Sets every θ (tests and transfer of trained thresholds).</summary>
    public void SetTheta(ReadOnlySpan<double> theta)
    {
        theta.CopyTo(_theta);
        RefreshThresholds();
    }
}
