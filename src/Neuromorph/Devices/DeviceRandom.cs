using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Neuromorph.Numerics;

namespace Neuromorph.Devices;

/// <summary>
/// Per-pulse random numbers for vectorised device arrays. The draw for device <c>i</c> at its
/// <c>k</c>-th pulse is a pure function of (seed, component, i, k) — the same Philox4x32-10
/// coordinates as <see cref="CounterRandom.Uniform4"/> — so an array updated in any chunking, on
/// any number of threads, one device at a time or all at once, gets identical numbers
/// (DESIGN.md principle 5). Sixteen devices are drawn per call with AVX-512 (8-lane 64-bit Philox
/// rounds, 16-lane Box–Muller); the one-device path runs the same vector code so both agree bit
/// for bit.
/// </summary>
public static class DeviceRandom
{
    private const ulong M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private const ulong W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>
    /// Sixteen Philox4x32-10 blocks for counters (step[j], index[j]) of one component: returns the
    /// first two output words of each block as uniform (0, 1) floats, exactly
    /// <see cref="CounterRandom.Uniform4"/>'s U0 and U1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> U0, Vector512<float> U1) Uniform16(ulong seed, uint component, Vector512<uint> index, Vector512<uint> stepLow, uint stepHigh = 0)
    {
        var (idxLo, idxHi) = Vector512.Widen(index);
        var (stLo, stHi) = Vector512.Widen(stepLow);
        var (a0, a1) = Hash8(seed, component, idxLo, stLo, stepHigh);
        var (b0, b1) = Hash8(seed, component, idxHi, stHi, stepHigh);
        var w0 = Vector512.Narrow(a0, b0);
        var w1 = Vector512.Narrow(a1, b1);
        return (ToUnit(w0), ToUnit(w1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ToUnit(Vector512<uint> x)
    {
        var i = Vector512.ShiftRightLogical(x, 8).AsInt32();
        return (Vector512.ConvertToSingle(i) + Vector512.Create(0.5f)) * Vector512.Create(1.0f / 16777216f);
    }

    /// <summary>Eight Philox4x32-10 blocks in 64-bit lanes (values held in the low 32 bits); returns words X0 and X1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<ulong> X0, Vector512<ulong> X1) Hash8(ulong seed, uint component, Vector512<ulong> index, Vector512<ulong> stepLow, uint stepHigh)
    {
        var mask = Vector512.Create(0xFFFFFFFFul);
        var m0 = Vector512.Create(M0); var m1 = Vector512.Create(M1);
        var c0 = stepLow;
        var c1 = Vector512.Create((ulong)(stepHigh ^ 0x80000000u));
        var c2 = index;
        var c3 = Vector512.Create((ulong)component);
        ulong k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int r = 0; r < 10; r++)
        {
            var p0 = c0 * m0;
            var p1 = c2 * m1;
            var n0 = Vector512.ShiftRightLogical(p1, 32) ^ c1 ^ Vector512.Create(k0);
            var n2 = Vector512.ShiftRightLogical(p0, 32) ^ c3 ^ Vector512.Create(k1);
            c0 = n0; c1 = p1 & mask; c2 = n2; c3 = p0 & mask;
            k0 = (k0 + W0) & 0xFFFFFFFFul; k1 = (k1 + W1) & 0xFFFFFFFFul;
        }
        return (c0, c1);
    }

    /// <summary>
    /// Sixteen standard normals, one per (index[j], step[j]), by Box–Muller on U0, U1:
    /// z = √(−2 ln U0) · cos(2π U1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Normal16(ulong seed, uint component, Vector512<uint> index, Vector512<uint> stepLow, uint stepHigh = 0)
    {
        var (u0, u1) = Uniform16(seed, component, index, stepLow, stepHigh);
        var r = Vector512.Sqrt(Vector512.Create(-2f) * Vector512.Log(u0));
        var c = Vector512.Cos(Vector512.Create(2f * MathF.PI) * u1);
        return r * c;
    }

    /// <summary>One standard normal for (seed, component, index, step); identical to the lane of <see cref="Normal16"/>.</summary>
    public static float Normal(ulong seed, uint component, uint index, uint step)
        => Normal16(seed, component, Vector512.Create(index), Vector512.Create(step)).ToScalar();

    /// <summary>One uniform (0, 1) for (seed, component, index, step); equals <see cref="CounterRandom.Uniform4"/>'s U0.</summary>
    public static float Uniform(ulong seed, uint component, uint index, uint step)
        => CounterRandom.Uniform4(seed, component, index, step).U0;

    /// <summary>
    /// Fills <paramref name="dst"/> with standard normals for devices first..first+dst.Length−1, all at
    /// the same step (used for device-to-device draws, where step is a parameter slot).
    /// </summary>
    public static void FillNormal(Span<float> dst, ulong seed, uint component, int first, uint step)
    {
        var lane = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Span<float> tmp = stackalloc float[16];
        for (int i = 0; i < dst.Length; i += 16)
        {
            var z = Normal16(seed, component, Vector512.Create((uint)(first + i)) + lane, Vector512.Create(step));
            int n = Math.Min(16, dst.Length - i);
            if (n == 16) z.CopyTo(dst.Slice(i, 16));
            else { z.CopyTo(tmp); tmp[..n].CopyTo(dst.Slice(i, n)); }
        }
    }

    /// <summary>Fills <paramref name="dst"/> with uniform (0, 1) draws for devices first.. at one step.</summary>
    public static void FillUniform(Span<float> dst, ulong seed, uint component, int first, uint step)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = Uniform(seed, component, (uint)(first + i), step);
    }
}
