using System;

namespace NetCompiler;

/// <summary>
/// A small, fast generator whose sequence for a given seed never changes between .NET versions or machines, so that
/// a seed names one initialisation and one shuffle forever. SplitMix64 expands the seed; xoshiro256** draws.
/// </summary>
public struct NetworkRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public NetworkRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A float uniform in [0, 1), from the top 24 bits so that every value is exactly representable.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A float uniform in [low, high).</summary>
    public float NextSingle(float low, float high) => low + (high - low) * NextSingle();

    /// <summary>An integer uniform in [0, maxExclusive), without modulo bias.</summary>
    public int NextInt32(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The bound must be positive.");
        }

        // Lemire's multiply-shift with rejection keeps every value equally likely.
        ulong bound = (ulong)maxExclusive;
        while (true)
        {
            ulong r = NextUInt64() >> 32;
            ulong product = r * bound;
            if ((uint)product >= (uint)((1UL << 32) % bound))
            {
                return (int)(product >> 32);
            }
        }
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher-Yates).</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt32(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
