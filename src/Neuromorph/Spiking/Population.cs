namespace Neuromorph.Spiking;

/// <summary>
/// Where a synapse acts on its target neuron. Each population decides which receptors it has and
/// what they mean physically: for current-based models <see cref="Excitatory"/> and
/// <see cref="Inhibitory"/> carry currents (A), for conductance-based models conductances (S).
/// </summary>
public enum Receptor
{
    /// <summary>Excitatory synaptic current (A) or conductance (S), filtered by the excitatory synaptic time constant.</summary>
    Excitatory = 0,
    /// <summary>Inhibitory synaptic current (A) or conductance (S), filtered by the inhibitory synaptic time constant.</summary>
    Inhibitory = 1,
    /// <summary>Instantaneous jump of the membrane potential (V), as in Brunel (2000) delta synapses.</summary>
    Voltage = 2,
    /// <summary>Unfiltered current (A) held for exactly one time step (used by current injection).</summary>
    Current = 3,
}

/// <summary>How the membrane potential is reset after a spike.</summary>
public enum ResetMode
{
    /// <summary>v ← v_reset.</summary>
    ToValue,
    /// <summary>v ← v − (v_th − v_reset): the overshoot is kept (reset by subtraction).</summary>
    Subtract,
}

/// <summary>
/// A group of identical neurons or spike sources with structure-of-arrays state (DESIGN.md
/// principle 1): one <c>float[]</c> per variable, one element per neuron. Inputs arrive in
/// ring buffers, one per <see cref="Receptor"/>, with one slot per delay step; the population
/// reads and clears its slot when it updates.
/// </summary>
public abstract class Population
{
    internal float[]?[] Rings = new float[]?[4];
    internal int RingSlots = 1;
    internal Network? Owner;
    internal int Id = -1;
    internal readonly List<(Stimulus Stimulus, int Start, int End, float Scale)> Injections = new();
    internal readonly List<PoissonInputSpec> PoissonInputs = new();

    /// <summary>Creates a population of <paramref name="count"/> elements.</summary>
    protected Population(string name, int count)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("population name must not be empty", nameof(name));
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"population '{name}' must have at least one neuron");
        Name = name; Count = count;
    }

    /// <summary>Name, unique within the network.</summary>
    public string Name { get; }

    /// <summary>Number of neurons (or spike sources).</summary>
    public int Count { get; }

    /// <summary>Whether this population has the given receptor.</summary>
    public abstract bool Accepts(Receptor receptor);

    /// <summary>Names of the recordable state variables (for <see cref="StateMonitor"/>).</summary>
    public abstract IReadOnlyList<string> StateVariables { get; }

    /// <summary>The state array of one variable (SI units), one element per neuron; writable for initialisation.</summary>
    public abstract float[] State(string variable);

    /// <summary>Bytes of neuron state (excluding input ring buffers), for the memory estimate.</summary>
    public abstract long StateBytes { get; }

    /// <summary>Called at the start of every run (e.g. to cache whether optional inputs are in use).</summary>
    internal virtual void BeginRun() { }

    /// <summary>Precomputes propagators for the time step; throws if dt is too large for the model.</summary>
    internal abstract void Prepare(double dt);

    /// <summary>
    /// Advances neurons [start, end) from step <paramref name="step"/> to step+1, consuming ring slot
    /// <paramref name="slot"/>; writes indices of neurons that spiked into <paramref name="spikes"/>
    /// (ascending) and returns how many.
    /// </summary>
    internal abstract int Update(long step, int slot, int start, int end, Span<int> spikes);

    /// <summary>Throws if the population cannot take the receptor.</summary>
    internal void CheckReceptor(Receptor r)
    {
        if (!Accepts(r)) throw new ArgumentException($"population '{Name}' ({GetType().Name}) has no {r} receptor");
    }

    /// <summary>The ring-buffer slot array for a receptor, or null if nothing targets it.</summary>
    internal float[]? Ring(Receptor r) => Rings[(int)r];

    internal void AllocateRings(int slots, bool[] used)
    {
        long n = (long)slots * Count;
        if (n > Array.MaxLength) throw new InsufficientMemoryException($"population '{Name}': {slots} delay slots × {Count} neurons exceed the array limit of {Array.MaxLength}; shorten the longest delay or split the population");
        RingSlots = slots;
        for (int r = 0; r < 4; r++) Rings[r] = used[r] ? new float[n] : null;
    }

    /// <summary>Adds the current injections due at this step into the Current ring slot of [start, end).</summary>
    internal void ApplyInjections(long step, double dt, int slot, int start, int end)
    {
        if (Injections.Count == 0) return;
        var ring = Rings[(int)Receptor.Current]!;
        int off = slot * Count;
        double t = step * dt;
        foreach (var (stim, s0, s1, scale) in Injections)
        {
            int a = Math.Max(s0, start), b = Math.Min(s1, end);
            if (a >= b) continue;
            float value = (float)(scale * stim.ValueAt(t));
            if (value == 0f) continue;
            for (int i = a; i < b; i++) ring[off + i] += value;
        }
    }

    /// <summary>
    /// Adds the external Poisson inputs of [start, end): each neuron receives k ~ Poisson(n·r·dt)
    /// events of weight w per step (Brian2's PoissonInput), drawn by inversion from one
    /// counter-based uniform keyed by (seed, input, neuron, step).
    /// </summary>
    internal void ApplyPoissonInputs(long step, int slot, int start, int end)
    {
        if (PoissonInputs.Count == 0) return;
        int off = slot * Count;
        ulong seed = Owner!.Seed;
        foreach (var pin in PoissonInputs)
        {
            var ring = Rings[(int)pin.Receptor]!;
            int a = Math.Max(pin.Start, start), b = Math.Min(pin.End, end);
            for (int i = a; i < b; i++)
            {
                float u = Numerics.CounterRandom.Uniform4(seed, pin.Component, (uint)i, (ulong)step).U0;
                double p = pin.P0, cdf = p;
                int k = 0;
                while (u > cdf && k < 1000) { k++; p *= pin.Lambda / k; cdf += p; }
                if (k != 0) ring[off + i] += k * pin.Weight;
            }
        }
    }

    /// <summary>Stochastic component id for counter-based random draws of this population.</summary>
    internal uint RandomComponent => Numerics.Philox.ComponentId("population/" + Name);

    /// <summary>Validates a time constant, naming it in the error.</summary>
    internal static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive finite number (SI units)");
    }

    internal static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 0 and finite (SI units)");
    }

    internal static void Finite(double value, string name)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite");
    }
}

/// <summary>An external Poisson drive of n independent sources at rate r with weight w onto a range of neurons.</summary>
internal sealed class PoissonInputSpec
{
    public required int Start, End;
    public required Receptor Receptor;
    public required double Lambda, P0;
    public required float Weight;
    public required uint Component;
}
