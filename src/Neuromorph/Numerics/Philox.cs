using System.Runtime.CompilerServices;

namespace Neuromorph.Numerics;

/// <summary>
/// Philox4x32-10 counter-based pseudo-random function (Salmon, Moraes, Dror &amp; Shaw,
/// "Parallel random numbers: as easy as 1, 2, 3", SC 2011). A 128-bit counter and a 64-bit key
/// map to 128 random bits; there is no hidden state, so any draw can be recomputed from its
/// (key, counter) coordinates on any thread in any order.
/// </summary>
/// <remarks>
/// One round: (hi0, lo0) = M0·c0, (hi1, lo1) = M1·c2; c' = (hi1 ⊕ c1 ⊕ k0, lo1, hi0 ⊕ c3 ⊕ k1, lo0);
/// the key is bumped by the Weyl constants (W0, W1) between rounds. Validated against the
/// known-answer vectors of Random123 (tests/kat_vectors).
/// </remarks>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Philox4x32 with 10 rounds: returns the four output words for counter (c0..c3) and key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Hash(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        return (c0, c1, c2, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        ulong p0 = (ulong)M0 * c0;
        ulong p1 = (ulong)M1 * c2;
        uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
        uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
        uint n0 = hi1 ^ c1 ^ k0;
        uint n2 = hi0 ^ c3 ^ k1;
        c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    }

    /// <summary>Maps 32 random bits to a float uniform on the open interval (0, 1) (24-bit resolution).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToUnitFloat(uint x) => ((x >> 8) + 0.5f) * (1.0f / 16777216f);

    /// <summary>Maps 64 random bits to a double uniform on the open interval (0, 1) (53-bit resolution).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnitDouble(uint hi, uint lo) =>
        (((((ulong)hi << 32) | lo) >> 11) + 0.5) * (1.0 / 9007199254740992.0);

    /// <summary>FNV-1a hash of a component name, so streams can be keyed by readable names.</summary>
    public static uint ComponentId(string name)
    {
        uint h = 2166136261;
        foreach (char ch in name) { h ^= ch; h *= 16777619; }
        return h;
    }
}
