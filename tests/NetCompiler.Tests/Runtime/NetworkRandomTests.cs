using System;
using System.Linq;
using Xunit;

namespace NetCompiler.Tests.Runtime;

public sealed class NetworkRandomTests
{
    // Computed once with the published SplitMix64 and xoshiro256** reference code (and cross-checked with a separate
    // Python version). They freeze the sequence: a change here changes every seeded initialisation and shuffle.
    [Theory]
    [InlineData(0L, 0x99EC5F36CB75F2B4UL, 0xBF6E1F784956452AUL, 0x1A5F849D4933E6E0UL, 0x6AA594F1262D2D2CUL)]
    [InlineData(42L, 0x15780B2E0C2EC716UL, 0x6104D9866D113A7EUL, 0xAE17533239E499A1UL, 0xECB8AD4703B360A1UL)]
    [InlineData(-1L, 0x8F5520D52A7EAD08UL, 0xC476A018CAA1802DUL, 0x81DE31C0D260469EUL, 0xBF658D7E065F3C2FUL)]
    public void NextUInt64_FirstValues_MatchTheReferenceImplementation(
        long seed, ulong first, ulong second, ulong third, ulong fourth)
    {
        var random = new NetworkRandom(seed);

        Assert.Equal([first, second, third, fourth], new[]
        {
            random.NextUInt64(), random.NextUInt64(), random.NextUInt64(), random.NextUInt64(),
        });
    }

    [Fact]
    public void NextInt32_And_NextSingle_FirstValues_AreFrozen()
    {
        var ints = new NetworkRandom(42);
        var singles = new NetworkRandom(42);

        Assert.Equal([0, 3, 6, 9, 9, 7, 7, 8], Enumerable.Range(0, 8).Select(_ => ints.NextInt32(10)).ToArray());

        // The top 24 bits of each draw over 2^24: exactly representable, so compared exactly.
        Assert.Equal(1406987f / (1 << 24), singles.NextSingle());
        Assert.Equal(6358233f / (1 << 24), singles.NextSingle());
        Assert.Equal(11409235f / (1 << 24), singles.NextSingle());
    }

    [Fact]
    public void NextInt32_IsUniform_ByChiSquare()
    {
        const int Buckets = 10;
        const int Draws = 100_000;
        var random = new NetworkRandom(123);
        var counts = new int[Buckets];
        for (int i = 0; i < Draws; i++)
        {
            counts[random.NextInt32(Buckets)]++;
        }

        // 27.88 is the 0.999 quantile of chi-square with 9 degrees of freedom.
        Assert.True(ChiSquare(counts, Draws / (double)Buckets) < 27.88, string.Join(", ", counts));
    }

    [Fact]
    public void NextSingle_IsUniformInUnitInterval_ByChiSquare()
    {
        const int Buckets = 20;
        const int Draws = 100_000;
        var random = new NetworkRandom(456);
        var counts = new int[Buckets];
        for (int i = 0; i < Draws; i++)
        {
            float value = random.NextSingle();
            Assert.InRange(value, 0f, 0.99999994f);
            counts[(int)(value * Buckets)]++;
        }

        // 43.82 is the 0.999 quantile of chi-square with 19 degrees of freedom.
        Assert.True(ChiSquare(counts, Draws / (double)Buckets) < 43.82, string.Join(", ", counts));
    }

    [Fact]
    public void NextSingle_WithBounds_StaysInside()
    {
        var random = new NetworkRandom(7);

        for (int i = 0; i < 10_000; i++)
        {
            float value = random.NextSingle(-0.25f, 0.75f);
            Assert.True(value >= -0.25f && value < 0.75f, $"{value}");
        }
    }

    [Fact]
    public void NextInt32_LargeBound_StaysInRangeAndReachesTheTopHalf()
    {
        // 3 * 2^29 is not a power of two, so this exercises the rejection step.
        const int Bound = 3 << 29;
        var random = new NetworkRandom(9);
        bool topHalf = false;
        for (int i = 0; i < 1000; i++)
        {
            int value = random.NextInt32(Bound);
            Assert.InRange(value, 0, Bound - 1);
            topHalf |= value >= Bound / 2;
        }

        Assert.True(topHalf);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NextInt32_NonPositiveBound_Throws(int bound)
    {
        var random = new NetworkRandom(1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt32(bound));

        Assert.Equal("maxExclusive", error.ParamName);
    }

    [Fact]
    public void Shuffle_IsAPermutation_AndDependsOnTheSeed()
    {
        int[] identity = Enumerable.Range(0, 1000).ToArray();
        int[] a = identity.ToArray();
        int[] b = identity.ToArray();
        int[] c = identity.ToArray();

        new NetworkRandom(1).Shuffle(a);
        new NetworkRandom(1).Shuffle(b);
        new NetworkRandom(2).Shuffle(c);

        Assert.Equal(identity, a.Order());
        Assert.NotEqual(identity, a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Shuffle_OfThree_GivesAllSixOrdersEquallyOften()
    {
        // An off-by-one in Fisher-Yates (e.g. drawing j from [0, i) or [0, n)) skews these counts badly.
        const int Trials = 60_000;
        var random = new NetworkRandom(2024);
        var counts = new int[6];
        Span<int> values = stackalloc int[3];
        for (int t = 0; t < Trials; t++)
        {
            values[0] = 0;
            values[1] = 1;
            values[2] = 2;
            random.Shuffle(values);
            counts[values[0] * 2 + (values[1] > values[2] ? 1 : 0)]++;
        }

        // 20.52 is the 0.999 quantile of chi-square with 5 degrees of freedom.
        Assert.True(ChiSquare(counts, Trials / 6.0) < 20.52, string.Join(", ", counts));
    }

    [Fact]
    public void Shuffle_EmptyAndSingle_AreUnchanged()
    {
        var random = new NetworkRandom(3);
        int[] single = [5];

        random.Shuffle([]);
        random.Shuffle(single);

        Assert.Equal([5], single);
    }

    private static double ChiSquare(int[] counts, double expected) =>
        counts.Sum(count => (count - expected) * (count - expected) / expected);
}
