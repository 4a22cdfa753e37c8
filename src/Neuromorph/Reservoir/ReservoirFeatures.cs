namespace Neuromorph.Reservoir;

/// <summary>What the linear readout sees at each time step.</summary>
public enum FeatureSet
{
    /// <summary>The reservoir state x(t).</summary>
    States,
    /// <summary>[x(t), u(t)]: state and the current input (direct input-to-output connection, Jaeger 2001).</summary>
    StatesInput,
    /// <summary>[x(t), x(t)², u(t)]: state, element-wise squared state and input — the quadratic state
    /// augmentation used for reservoir prediction (Pathak, Hunt, Girvan, Lu &amp; Ott 2018, PRL 120, 024102).</summary>
    StatesSquaresInput,
}

/// <summary>Builds readout feature rows from harvested states and inputs (row-major, allocation per call only).</summary>
public sealed class ReservoirFeatures
{
    /// <summary>Which features.</summary>
    public FeatureSet Set { get; }
    /// <summary>State values per step.</summary>
    public int StateSize { get; }
    /// <summary>Input values per step.</summary>
    public int InputSize { get; }
    /// <summary>Features per step.</summary>
    public int Count { get; }

    /// <summary>Creates the builder.</summary>
    public ReservoirFeatures(FeatureSet set, int stateSize, int inputSize)
    {
        if (stateSize < 1) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "state size must be ≥ 1");
        if (inputSize < 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "input size must be ≥ 0");
        Set = set; StateSize = stateSize; InputSize = inputSize;
        Count = set switch
        {
            FeatureSet.States => stateSize,
            FeatureSet.StatesInput => stateSize + inputSize,
            _ => 2 * stateSize + inputSize,
        };
    }

    /// <summary>Writes the features of one step into <paramref name="row"/> (length <see cref="Count"/>).</summary>
    public void Row(ReadOnlySpan<float> state, ReadOnlySpan<float> input, Span<float> row)
    {
        int n = StateSize;
        state[..n].CopyTo(row);
        int o = n;
        if (Set == FeatureSet.StatesSquaresInput)
        {
            for (int k = 0; k < n; k++) row[n + k] = state[k] * state[k];
            o = 2 * n;
        }
        if (Set != FeatureSet.States) input[..InputSize].CopyTo(row[o..]);
    }

    /// <summary>Feature rows for steps t0 … t0+count−1 of harvested <paramref name="states"/> (T × StateSize) and <paramref name="inputs"/> (T × InputSize).</summary>
    public float[] Build(ReadOnlySpan<float> states, ReadOnlySpan<float> inputs, int t0, int count)
    {
        var x = new float[(long)count * Count];
        for (int i = 0; i < count; i++)
        {
            int t = t0 + i;
            Row(states.Slice(t * StateSize, StateSize), InputSize > 0 ? inputs.Slice(t * InputSize, InputSize) : default, x.AsSpan(i * Count, Count));
        }
        return x;
    }
}
