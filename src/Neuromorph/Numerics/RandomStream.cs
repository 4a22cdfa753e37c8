using System.Runtime.CompilerServices;

namespace Neuromorph.Numerics;

/// <summary>
/// A reproducible random stream keyed by (experiment seed, component, index), drawn from
/// <see cref="Philox"/>. The Philox key is the 64-bit seed; the counter is
/// (block low, block high, index, component). Two streams with different coordinates are
/// independent; a stream's values do not depend on which thread draws them or when
/// (DESIGN.md principle 5).
/// </summary>
/// <remarks>
/// A mutable struct: pass it by <c>ref</c>. Use one stream per (component, index) pair —
/// e.g. one per neuron, per device, per worker chunk — never share one between threads.
/// </remarks>
public struct RandomStream
{
    private readonly uint _k0, _k1, _index, _component;
    private ulong _block;
    private uint _b0, _b1, _b2, _b3;
    private int _pos;          // next word in the buffer (4 = empty)
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>Creates the stream for (seed, component, index), positioned at block 0.</summary>
    public RandomStream(ulong seed, uint component, uint index = 0, ulong startBlock = 0)
    {
        _k0 = (uint)seed; _k1 = (uint)(seed >> 32);
        _component = component; _index = index;
        _block = startBlock; _pos = 4;
        _b0 = _b1 = _b2 = _b3 = 0;
        _spareNormal = 0; _hasSpare = false;
    }

    /// <summary>Creates the stream for (seed, component name, index).</summary>
    public RandomStream(ulong seed, string component, uint index = 0)
        : this(seed, Philox.ComponentId(component), index) { }

    /// <summary>The Philox block counter of the next refill (for checkpointing).</summary>
    public readonly ulong Block => _block;

    /// <summary>Next 32 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (_pos == 4) Refill();
        return _pos++ switch { 0 => _b0, 1 => _b1, 2 => _b2, _ => _b3 };
    }

    private void Refill()
    {
        (_b0, _b1, _b2, _b3) = Philox.Hash((uint)_block, (uint)(_block >> 32), _index, _component, _k0, _k1);
        _block++;
        _pos = 0;
    }

    /// <summary>Uniform on (0, 1), float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => Philox.ToUnitFloat(NextUInt32());

    /// <summary>Uniform on (0, 1), double (53 bits).</summary>
    public double NextDouble() { uint hi = NextUInt32(); return Philox.ToUnitDouble(hi, NextUInt32()); }

    /// <summary>Uniform on (lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive");
        ulong m = (ulong)NextUInt32() * (uint)n;
        uint l = (uint)m;
        if (l < (uint)n)
        {
            uint t = (uint)(-n) % (uint)n;
            while (l < t) { m = (ulong)NextUInt32() * (uint)n; l = (uint)m; }
        }
        return (int)(m >> 32);
    }

    /// <summary>Standard normal N(0, 1) by the Box–Muller transform.</summary>
    public double NextNormal()
    {
        if (_hasSpare) { _hasSpare = false; return _spareNormal; }
        double u1 = NextDouble(), u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double a = 2.0 * Math.PI * u2;
        _spareNormal = r * Math.Sin(a); _hasSpare = true;
        return r * Math.Cos(a);
    }

    /// <summary>Normal N(mean, std²).</summary>
    public double Normal(double mean, double std) => mean + std * NextNormal();

    /// <summary>Log-normal: exp(N(mu, sigma²)), with mu and sigma of the underlying normal.</summary>
    public double LogNormal(double mu, double sigma) => Math.Exp(mu + sigma * NextNormal());

    /// <summary>Exponential with the given rate λ (mean 1/λ).</summary>
    public double Exponential(double rate)
    {
        if (!(rate > 0)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be > 0");
        return -Math.Log(NextDouble()) / rate;
    }

    /// <summary>Bernoulli trial with success probability p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>
    /// Poisson(λ). Knuth's multiplication method for λ &lt; 10; for larger λ the PTRS
    /// transformed-rejection method (Hörmann 1993, "The transformed rejection method for
    /// generating Poisson random variables"), exact for all λ.
    /// </summary>
    public int Poisson(double lambda)
    {
        if (lambda < 0 || double.IsNaN(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be ≥ 0");
        if (lambda == 0) return 0;
        if (lambda < 10)
        {
            double l = Math.Exp(-lambda), p = 1.0;
            int k = 0;
            while (true) { p *= NextDouble(); if (p <= l) return k; k++; }
        }
        double slam = Math.Sqrt(lambda), loglam = Math.Log(lambda);
        double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = NextDouble() - 0.5, v = NextDouble();
            double us = 0.5 - Math.Abs(u);
            int k = (int)Math.Floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) return k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + Math.Log(invalpha) - Math.Log(a / (us * us) + b) <= -lambda + k * loglam - SpecialFunctions.LogFactorial(k))
                return k;
        }
    }

    /// <summary>
    /// Binomial(n, p). Inversion for n·min(p,1−p) &lt; 10; otherwise the BTRS transformed
    /// rejection method (Hörmann 1993, "The generation of binomial random variates"), exact.
    /// </summary>
    public int Binomial(int n, double p)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 0");
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in [0, 1]");
        if (n == 0 || p == 0) return 0;
        if (p == 1) return n;
        if (p > 0.5) return n - Binomial(n, 1 - p);
        if (n * p < 10)
        {
            // Inversion by sequential search of the CDF.
            double q = 1 - p, s = p / q, a = (n + 1) * s, r = Math.Pow(q, n);
            double u = NextDouble();
            int x = 0;
            while (u > r) { u -= r; x++; if (x > n) { x = n; break; } r *= a / x - s; if (r <= 0) break; }
            return Math.Min(x, n);
        }
        double spq = Math.Sqrt(n * p * (1 - p));
        double b = 1.15 + 2.53 * spq, aa = -0.0873 + 0.0248 * b + 0.01 * p, c = n * p + 0.5;
        double alpha = (2.83 + 5.1 / b) * spq, lpq = Math.Log(p / (1 - p));
        int m = (int)Math.Floor((n + 1) * p);
        double vr = 0.92 - 4.2 / b;
        double h = SpecialFunctions.LogFactorial(m) + SpecialFunctions.LogFactorial(n - m);
        while (true)
        {
            double u = NextDouble() - 0.5, v = NextDouble();
            double us = 0.5 - Math.Abs(u);
            int k = (int)Math.Floor((2 * aa / us + b) * u + c);
            if (k < 0 || k > n) continue;
            if (us >= 0.07 && v <= vr) return k;
            v = Math.Log(v * alpha / (aa / (us * us) + b));
            if (v <= h - SpecialFunctions.LogFactorial(k) - SpecialFunctions.LogFactorial(n - k) + (k - m) * lpq) return k;
        }
    }

    /// <summary>Fills <paramref name="dst"/> with uniform (lo, hi) floats.</summary>
    public void FillUniform(Span<float> dst, float lo = 0f, float hi = 1f)
    {
        float w = hi - lo;
        for (int i = 0; i < dst.Length; i++) dst[i] = lo + w * NextFloat();
    }

    /// <summary>Fills <paramref name="dst"/> with N(mean, std²) floats.</summary>
    public void FillNormal(Span<float> dst, float mean = 0f, float std = 1f)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)(mean + std * NextNormal());
    }

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/>.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

/// <summary>
/// Stateless per-element draws for vectorised models: the value for element <c>i</c> at step
/// <c>t</c> of component <c>c</c> is a pure function of (seed, c, i, t), so a device array
/// updated in parallel chunks gives identical numbers for any chunking or thread count.
/// </summary>
public static class CounterRandom
{
    /// <summary>Four uniform (0, 1) floats for (seed, component, index, step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float U0, float U1, float U2, float U3) Uniform4(ulong seed, uint component, uint index, ulong step)
    {
        var (a, b, c, d) = Philox.Hash((uint)step, (uint)(step >> 32) ^ 0x80000000u, index, component, (uint)seed, (uint)(seed >> 32));
        return (Philox.ToUnitFloat(a), Philox.ToUnitFloat(b), Philox.ToUnitFloat(c), Philox.ToUnitFloat(d));
    }

    /// <summary>Two independent standard normals for (seed, component, index, step), by Box–Muller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float Z0, float Z1) Normal2(ulong seed, uint component, uint index, ulong step)
    {
        var (u0, u1, _, _) = Uniform4(seed, component, index, step);
        float r = MathF.Sqrt(-2f * MathF.Log(u0));
        var (s, c) = MathF.SinCos(2f * MathF.PI * u1);
        return (r * c, r * s);
    }
}
