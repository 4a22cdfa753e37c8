using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>
/// Superparamagnetic tunnel junctions: random telegraph switching between P and AP with
/// current-dependent mean dwell times (Mizrahi et al. 2018, "Neural-like computing with populations
/// of superparamagnetic basis functions", Nat. Commun. 9:1533, Eq. 1):
/// τ_P = τ₀ exp(Δ(1 + I/I_c)), τ_AP = τ₀ exp(Δ(1 − I/I_c)); a positive current stabilises P.
/// Dwell times are exponential; over a step dt a junction leaves its state with probability
/// 1 − exp(−dt/τ_state), drawn from (seed, junction, step).
/// </summary>
public sealed class TelegraphJunctionArray
{
    private static readonly uint CompFlip = Philox.ComponentId("smtj.flip");
    private readonly byte[] _parallel;
    private readonly ulong _seed;
    private ulong _step;

    /// <summary>Creates <paramref name="count"/> junctions, half in P and half in AP.</summary>
    public TelegraphJunctionArray(int count, MtjParams p, ulong seed)
    {
        DeviceGuard.Count(count, nameof(count));
        p.Validate();
        Params = p; _seed = seed;
        _parallel = new byte[count];
        for (int i = 0; i < count; i++) _parallel[i] = (byte)(i & 1);
    }

    /// <summary>The junction parameters (τ₀, Δ, I_c, R_P, TMR).</summary>
    public MtjParams Params { get; }
    /// <summary>Number of junctions.</summary>
    public int Count => _parallel.Length;
    /// <summary>True if junction i is parallel (low resistance).</summary>
    public bool IsParallel(int i) => _parallel[i] != 0;
    /// <summary>Mean dwell time in P at current I: τ₀ exp(Δ(1 + I/I_c)).</summary>
    public double DwellParallel(double current) => Params.Tau0 * Math.Exp(Params.Delta * (1 + current / Params.CriticalCurrent));
    /// <summary>Mean dwell time in AP at current I: τ₀ exp(Δ(1 − I/I_c)).</summary>
    public double DwellAntiparallel(double current) => Params.Tau0 * Math.Exp(Params.Delta * (1 - current / Params.CriticalCurrent));
    /// <summary>Time-averaged probability of P: τ_P/(τ_P + τ_AP) = 1/(1 + e^(−2ΔI/I_c)), a sigmoid of the current.</summary>
    public double ParallelProbability(double current) => 1 / (1 + Math.Exp(-2 * Params.Delta * current / Params.CriticalCurrent));

    /// <summary>Advances every junction by <paramref name="dt"/> at a common current (A).</summary>
    public void Step(double current, double dt)
    {
        DeviceGuard.Positive(dt, nameof(dt));
        double pLeaveP = -double.ExpM1(-dt / DwellParallel(current));
        double pLeaveAp = -double.ExpM1(-dt / DwellAntiparallel(current));
        ulong step = _step++;
        for (int i = 0; i < _parallel.Length; i++)
        {
            float u = CounterRandom.Uniform4(_seed, CompFlip, (uint)i, step).U0;
            if (u < (_parallel[i] != 0 ? pLeaveP : pLeaveAp)) _parallel[i] ^= 1;
        }
    }
}

/// <summary>
/// Probabilistic bits (Camsari et al. 2017, "Stochastic p-bits for invertible logic", PRX 7:031014,
/// Eq. 1): m = sgn(tanh(I) − r), r ~ U(−1, 1), so E[m] = tanh(I). Implemented physically by a
/// low-barrier magnet read through an MTJ and a transistor; here the behavioural law, with r drawn
/// from (seed, p-bit, step) so updates are reproducible in any order.
/// </summary>
public static class PBit
{
    private static readonly uint CompR = Philox.ComponentId("pbit.r");

    /// <summary>One p-bit output for input I at the given step: +1 or −1.</summary>
    public static int Sample(double input, ulong seed, uint index, ulong step)
    {
        double r = 2.0 * CounterRandom.Uniform4(seed, CompR, index, step).U0 - 1.0;
        return Math.Tanh(input) > r ? 1 : -1;
    }

    /// <summary>Updates every p-bit: m_i = sgn(tanh(I_i) − r_i).</summary>
    public static void Update(ReadOnlySpan<float> input, Span<sbyte> m, ulong seed, ulong step)
    {
        if (input.Length != m.Length) throw new ArgumentException($"input has {input.Length} entries, m has {m.Length}", nameof(m));
        for (int i = 0; i < input.Length; i++) m[i] = (sbyte)Sample(input[i], seed, (uint)i, step);
    }
}
