using Neuromorph.Energy;

namespace Neuromorph.Reservoir;

/// <summary>
/// A driven dynamical system whose state is read out linearly: an echo-state network or a
/// delay-based single-node reservoir. Inputs and states are row-major float32 (one row per
/// input time step). The state persists between calls until <see cref="Reset"/>.
/// </summary>
public interface IReservoir
{
    /// <summary>Input values per time step.</summary>
    int InputSize { get; }
    /// <summary>State values read out per time step (units, or virtual nodes).</summary>
    int StateSize { get; }
    /// <summary>Sets the state to its rest value (zero history).</summary>
    void Reset();
    /// <summary>
    /// Drives the reservoir with <paramref name="steps"/> input rows and writes the state after each
    /// step to <paramref name="states"/> (steps × <see cref="StateSize"/>). Operations are added to
    /// <paramref name="counters"/> when given.
    /// </summary>
    void Run(ReadOnlySpan<float> inputs, int steps, Span<float> states, OpCounters? counters = null);
    /// <summary>One-line description for logs and reports.</summary>
    string Describe();
}
