namespace Neuromorph.Devices;

/// <summary>
/// An array of programmable conductance devices as the synapse seam sees it: a state per device
/// (siemens for physical models, normalised weight units for the aihwkit-style pulsed family),
/// signed programming pulses, and a noise-free prediction of what pulses do. Every conductance
/// model of this folder implements it, so <c>DeviceSynapseStore</c> runs on any of them.
/// </summary>
public interface IConductanceArray
{
    /// <summary>Number of devices.</summary>
    int Count { get; }
    /// <summary>Nominal lowest state (before device-to-device variation).</summary>
    float Min { get; }
    /// <summary>Nominal highest state.</summary>
    float Max { get; }
    /// <summary>Mean state change of one potentiating pulse from the middle of the range (sets the pulse granularity of an update).</summary>
    float NominalStep { get; }
    /// <summary>True when negative pulses are gradual depression; false when they are an abrupt reset (PCM).</summary>
    bool GradualDepression { get; }
    /// <summary>Current states, one per device, as programmed (no read noise).</summary>
    ReadOnlySpan<float> State { get; }
    /// <summary>Applies |<paramref name="pulses"/>| pulses to one device: potentiating if positive, depressing (or resetting) if negative.</summary>
    void ApplyPulses(int device, int pulses);
    /// <summary>Noise-free model prediction of the state change that <paramref name="pulses"/> pulses would cause from the present state.</summary>
    float ExpectedChange(int device, int pulses);
    /// <summary>Programs one device to a target state (closed-loop write-verify; the model adds its programming error).</summary>
    void Program(int device, float target);
}
