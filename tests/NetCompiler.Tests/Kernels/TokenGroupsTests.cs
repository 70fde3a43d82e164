using System;
using System.Linq;
using Xunit;

namespace NetCompiler.Tests.Kernels;

/// <summary>
/// The grouping of a batch's positions by token that LSTM training uses for its input projection: numbering in order
/// of first appearance, rows gathered and padded, gradients summed per group in position order.
/// </summary>
public sealed class TokenGroupsTests
{
    [Theory]
    [InlineData(new[] { 5, 3, 5, 5, 9, 3, 0 }, new[] { 5, 3, 9, 0 }, new[] { 0, 1, 0, 0, 2, 1, 3 })]
    [InlineData(new[] { 7, 7, 7, 7 }, new[] { 7 }, new[] { 0, 0, 0, 0 })]
    [InlineData(new[] { 4, 2, 1 }, new[] { 4, 2, 1 }, new[] { 0, 1, 2 })]
    [InlineData(new int[0], new int[0], new int[0])]
    public void Group_NumbersDistinctTokensInOrderOfFirstAppearance(int[] tokens, int[] expectedDistinct, int[] expectedGroup)
    {
        var distinct = new int[tokens.Length];
        var group = new int[tokens.Length];
        var table = new int[2 * tokens.Length];

        int count = TokenGroups.Group(tokens, distinct, group, table);

        Assert.Equal(expectedDistinct.Length, count);
        Assert.Equal(expectedDistinct, distinct.Take(count).ToArray());
        Assert.Equal(expectedGroup, group);
    }

    [Fact]
    public void Group_ManyTokensWithCollisions_MatchesAReferenceDictionary()
    {
        var random = new Random(3);
        // Ids that collide in a small table (multiples of its size) and a long random run with repeats.
        int[] tokens = Enumerable.Range(0, 3200).Select(i => i % 5 == 0 ? 6400 * (i % 40) : random.Next(10_000)).ToArray();
        var distinct = new int[tokens.Length];
        var group = new int[tokens.Length];
        var table = new int[2 * tokens.Length];
        table.AsSpan().Fill(-7); // stale scratch from a previous call must not matter

        int count = TokenGroups.Group(tokens, distinct, group, table);

        int[] firstSeen = tokens.Distinct().ToArray();
        Assert.Equal(firstSeen.Length, count);
        Assert.Equal(firstSeen, distinct.Take(count).ToArray());
        for (int p = 0; p < tokens.Length; p++)
        {
            Assert.Equal(tokens[p], distinct[group[p]]);
        }
    }

    [Fact]
    public void Group_BuffersTooSmall_AreRefused()
    {
        int[] tokens = { 1, 2, 3 };
        Assert.Throws<ArgumentException>(() => TokenGroups.Group(tokens, new int[2], new int[3], new int[6]));
        Assert.Throws<ArgumentException>(() => TokenGroups.Group(tokens, new int[3], new int[2], new int[6]));
        Assert.Throws<ArgumentException>(() => TokenGroups.Group(tokens, new int[3], new int[3], new int[5]));
    }

    [Fact]
    public void Gather_CopiesEachGroupsRowAndZeroesThePadding()
    {
        float[] table = Enumerable.Range(0, 5 * 3).Select(i => i + 0.5f).ToArray(); // 5 rows of 3
        int[] distinct = { 4, 1 };
        float[] destination = Enumerable.Repeat(9f, 4 * 3).ToArray();

        TokenGroups.Gather(table, 3, distinct, 2, destination);

        Assert.Equal(new[] { 12.5f, 13.5f, 14.5f, 3.5f, 4.5f, 5.5f, 0f, 0f, 0f, 0f, 0f, 0f }, destination);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(256)]
    public void SumByGroup_AddsEachPositionsRowToItsGroup_InPositionOrder(int width)
    {
        var random = new Random(width);
        int[] group = { 2, 0, 2, 1, 0, 2 };
        float[] source = Enumerable.Range(0, group.Length * width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] destination = Enumerable.Repeat(float.NaN, 4 * width).ToArray();

        TokenGroups.SumByGroup(source, width, group, destination);

        for (int g = 0; g < 4; g++)
        {
            for (int i = 0; i < width; i++)
            {
                // The same additions in the same order, in float: the result must be exact.
                float expected = 0f;
                for (int p = 0; p < group.Length; p++)
                {
                    if (group[p] == g)
                    {
                        expected += source[p * width + i];
                    }
                }

                Assert.Equal(expected, destination[g * width + i]);
            }
        }
    }
}
