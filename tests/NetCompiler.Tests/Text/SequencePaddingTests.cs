using System;
using Xunit;

namespace NetCompiler.Tests.Text;

// Expected values follow Keras' pad_sequences(sequences, maxlen) with its defaults, padding='pre', truncating='pre'.
public sealed class SequencePaddingTests
{
    [Fact]
    public void PadOrTruncate_Short_PutsZerosOnTheLeft()
    {
        var destination = new int[5];
        destination.AsSpan().Fill(-1);

        SequencePadding.PadOrTruncate([7, 8], destination);

        Assert.Equal([0, 0, 0, 7, 8], destination);
    }

    [Fact]
    public void PadOrTruncate_Long_KeepsTheLastIds()
    {
        var destination = new int[3];

        SequencePadding.PadOrTruncate([1, 2, 3, 4, 5], destination);

        Assert.Equal([3, 4, 5], destination);
    }

    [Fact]
    public void PadOrTruncate_ExactLength_CopiesUnchanged()
    {
        var destination = new int[4];

        SequencePadding.PadOrTruncate([4, 3, 2, 9], destination);

        Assert.Equal([4, 3, 2, 9], destination);
    }

    [Fact]
    public void PadOrTruncate_Empty_IsAllPadding()
    {
        var destination = new[] { 5, 5, 5 };

        SequencePadding.PadOrTruncate([], destination);

        Assert.Equal([0, 0, 0], destination);
    }

    [Fact]
    public void PadAll_LaysSequencesOneAfterAnother()
    {
        int[] padded = SequencePadding.PadAll([[1], [2, 3, 4, 5], [], [6, 7, 8]], length: 3);

        Assert.Equal([0, 0, 1, 3, 4, 5, 0, 0, 0, 6, 7, 8], padded);
    }

    [Fact]
    public void PadAll_NoSequences_IsEmpty()
    {
        Assert.Empty(SequencePadding.PadAll([], length: 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void PadAll_LengthBelowOne_IsRefused(int length)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SequencePadding.PadAll([[1]], length));
    }

    [Fact]
    public void PadAll_NullSequence_IsRefusedWithItsIndex()
    {
        var error = Assert.Throws<ArgumentException>(() => SequencePadding.PadAll([[1], null!], 2));

        Assert.Contains("sequences[1] is null", error.Message);
    }
}
