namespace Neuromorph.Learning.Unsupervised;

/// <summary>
/// Parameters of the Diehl &amp; Cook 2015 network ("Unsupervised learning of digit recognition
/// using spike-timing-dependent plasticity", Front. Comput. Neurosci. 9:99), SI units. Defaults
/// are the values of the authors' published simulation script (repository
/// peter-u-diehl/stdp-mnist) as restated in the Brian2 reference /work/shared/baselines/dc_brian.py.
/// </summary>
/// <remarks>
/// Excitatory neuron (conductance-based LIF, E_exc = 0, E_inh = −100 mV, τ = 100 ms):
/// τ dv/dt = (v_rest − v) + g_e(0 − v) + g_i(E_inh − v), τ_ge dg_e/dt = −g_e (1 ms), τ_gi dg_i/dt = −g_i (2 ms);
/// spike when v &gt; θ − θ_offset + v_thresh, then v ← v_reset, θ ← θ + θ₊ (training only);
/// τ_θ dθ/dt = −θ. Inhibitory neuron: τ = 10 ms, E_inh = −85 mV, v_rest −60, reset −45, threshold −40 mV.
/// Input: Poisson, rate = x·(255/8 Hz)·intensity for x ∈ [0, 1] (63.75 Hz at full intensity 2);
/// input→excitatory delays uniform in [0, 10] ms. Forward Euler at dt = 0.5 ms as the reference.
/// </remarks>
public sealed record DiehlCookParams
{
    /// <summary>Number of inputs (784 for MNIST).</summary>
    public int Inputs { get; init; } = 784;
    /// <summary>Number of excitatory neurons N (and of inhibitory neurons).</summary>
    public int Neurons { get; init; } = 100;
    /// <summary>Time step (s).</summary>
    public double Dt { get; init; } = 0.5e-3;
    /// <summary>Presentation time of one image (s).</summary>
    public double PresentationTime { get; init; } = 0.35;
    /// <summary>Rest with silent inputs after every presentation (s).</summary>
    public double RestTime { get; init; } = 0.15;
    /// <summary>Input rate per unit pixel value per unit intensity (Hz): rate = x·this·intensity (pixel/8 Hz on a 0–255 scale).</summary>
    public double RatePerIntensity { get; init; } = 255.0 / 8.0;
    /// <summary>Starting input intensity (2 → 63.75 Hz for a white pixel).</summary>
    public double StartIntensity { get; init; } = 2;
    /// <summary>Intensity added when a presentation gives fewer than <see cref="MinSpikes"/> excitatory spikes.</summary>
    public double IntensityStep { get; init; } = 1;
    /// <summary>Minimum excitatory spikes of a valid presentation.</summary>
    public int MinSpikes { get; init; } = 5;
    /// <summary>Presentations of one image before giving up (guards against a silent network).</summary>
    public int MaxPresentations { get; init; } = 40;

    public double VRestE { get; init; } = -65e-3;
    public double VResetE { get; init; } = -65e-3;
    public double VThreshE { get; init; } = -52e-3;
    public double RefractoryE { get; init; } = 5e-3;
    public double TauE { get; init; } = 100e-3;
    public double EExc { get; init; } = 0;
    public double EInhE { get; init; } = -100e-3;
    public double VRestI { get; init; } = -60e-3;
    public double VResetI { get; init; } = -45e-3;
    public double VThreshI { get; init; } = -40e-3;
    public double RefractoryI { get; init; } = 2e-3;
    public double TauI { get; init; } = 10e-3;
    public double EInhI { get; init; } = -85e-3;
    /// <summary>Excitatory conductance time constant (s).</summary>
    public double TauGe { get; init; } = 1e-3;
    /// <summary>Inhibitory conductance time constant (s).</summary>
    public double TauGi { get; init; } = 2e-3;
    /// <summary>
    /// Integrator of the membrane equation. false: forward Euler as the reference scripts
    /// (method='euler'); it is unstable when dt/τ·(1 + g_e + g_i) &gt; 2, which the inhibitory
    /// volley of ≥ 24 simultaneous inhibitory spikes (17 each, dt/τ = 0.005) reaches and then
    /// makes every neuron fire continuously (observed at N = 400). true (default): exponential
    /// Euler — with g_e, g_i held over the step the membrane equation is linear in v and is
    /// integrated exactly, v ← v∞ + (v − v∞)·exp(−dt/τ·(1 + g_e + g_i)), v∞ = (v_rest + g_e E_exc + g_i E_inh)/(1 + g_e + g_i);
    /// same equation and fixed points, stable for any conductance (Brian2's 'exponential_euler').
    /// </summary>
    public bool ExponentialEuler { get; init; } = true;

    /// <summary>Initial membrane potential below rest (the script starts at v_rest − 40 mV).</summary>
    public double InitialVOffset { get; init; } = -40e-3;

    /// <summary>Adaptive-threshold increment per spike θ₊ (V).</summary>
    public double ThetaPlus { get; init; } = 0.05e-3;
    /// <summary>Adaptive-threshold time constant τ_θ (s) = 10⁷ ms.</summary>
    public double TauTheta { get; init; } = 1e4;
    /// <summary>θ_offset in the threshold v &gt; θ − θ_offset + v_thresh (V).</summary>
    public double ThetaOffset { get; init; } = 20e-3;
    /// <summary>Initial θ (V); equal to the offset, so training starts at threshold v_thresh.</summary>
    public double ThetaInitial { get; init; } = 20e-3;

    /// <summary>Presynaptic trace time constant (s).</summary>
    public double TauPre { get; init; } = 20e-3;
    /// <summary>First postsynaptic trace time constant (s), used for depression.</summary>
    public double TauPost1 { get; init; } = 20e-3;
    /// <summary>Second (slow) postsynaptic trace time constant (s), the triplet term of potentiation.</summary>
    public double TauPost2 { get; init; } = 40e-3;
    /// <summary>Depression rate η_pre: w ← clip(w − η_pre·x_post1) at a presynaptic arrival.</summary>
    public double EtaPre { get; init; } = 1e-4;
    /// <summary>Potentiation rate η_post: w ← clip(w + η_post·x_pre·x_post2(t⁻)) at a postsynaptic spike.</summary>
    public double EtaPost { get; init; } = 1e-2;
    /// <summary>Upper weight bound.</summary>
    public double WMax { get; init; } = 1;
    /// <summary>Sum of each neuron's input weights after normalisation (before every training presentation).</summary>
    public double WeightSum { get; init; } = 78;
    /// <summary>Largest input→excitatory delay (s); delays are uniform in [0, this].</summary>
    public double MaxDelay { get; init; } = 10e-3;
    /// <summary>Initial input weights (U(0,1) + 0.01)·this.</summary>
    public double InitialWeightScale { get; init; } = 0.3;
    /// <summary>Excitatory→inhibitory one-to-one weight.</summary>
    public double WExcInh { get; init; } = 10.4;
    /// <summary>Inhibitory→excitatory weight onto every other excitatory neuron.</summary>
    public double WInhExc { get; init; } = 17.0;

    /// <summary>Steps of one presentation window.</summary>
    public int PresentationSteps => (int)Math.Round(PresentationTime / Dt);
    /// <summary>Steps of the rest after it.</summary>
    public int RestSteps => (int)Math.Round(RestTime / Dt);
    /// <summary>Largest delay in steps (delays are rounded to whole steps as Brian2 does).</summary>
    public int MaxDelaySteps => (int)Math.Round(MaxDelay / Dt);

    /// <summary>Throws naming the parameter when a value is out of its range.</summary>
    public void Validate()
    {
        static void Pos(double v, string n) { if (!(v > 0) || double.IsInfinity(v)) throw new ArgumentOutOfRangeException(n, v, $"{n} must be positive and finite"); }
        if (Inputs < 1) throw new ArgumentOutOfRangeException(nameof(Inputs), Inputs, "Inputs must be ≥ 1");
        if (Neurons < 2) throw new ArgumentOutOfRangeException(nameof(Neurons), Neurons, "Neurons must be ≥ 2 (lateral inhibition needs a competitor)");
        Pos(Dt, nameof(Dt)); Pos(PresentationTime, nameof(PresentationTime)); Pos(TauE, nameof(TauE)); Pos(TauI, nameof(TauI));
        Pos(TauGe, nameof(TauGe)); Pos(TauGi, nameof(TauGi)); Pos(TauTheta, nameof(TauTheta)); Pos(TauPre, nameof(TauPre));
        Pos(TauPost1, nameof(TauPost1)); Pos(TauPost2, nameof(TauPost2)); Pos(WMax, nameof(WMax)); Pos(WeightSum, nameof(WeightSum));
        Pos(RatePerIntensity, nameof(RatePerIntensity)); Pos(StartIntensity, nameof(StartIntensity));
        if (RestTime < 0) throw new ArgumentOutOfRangeException(nameof(RestTime), RestTime, "RestTime must be ≥ 0");
        if (MaxDelay < 0) throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "MaxDelay must be ≥ 0");
        if (RestTime + 1e-12 < MaxDelay) throw new ArgumentOutOfRangeException(nameof(RestTime), RestTime, "RestTime must be at least MaxDelay so delayed input spikes never cross into the next image");
        if (Dt > Math.Min(TauGe, TauGi)) throw new ArgumentOutOfRangeException(nameof(Dt), Dt, $"Dt must not exceed the fastest conductance time constant ({Math.Min(TauGe, TauGi)} s) for forward Euler to stay stable");
        if (RatePerIntensity * StartIntensity * Dt > 1) throw new ArgumentOutOfRangeException(nameof(RatePerIntensity), RatePerIntensity, "rate·dt exceeds 1 at the starting intensity");
        if (MinSpikes < 0) throw new ArgumentOutOfRangeException(nameof(MinSpikes), MinSpikes, "MinSpikes must be ≥ 0");
        if (MaxPresentations < 1) throw new ArgumentOutOfRangeException(nameof(MaxPresentations), MaxPresentations, "MaxPresentations must be ≥ 1");
        if (EtaPre < 0 || EtaPost < 0) throw new ArgumentOutOfRangeException(nameof(EtaPre), "learning rates must be ≥ 0");
    }
}
