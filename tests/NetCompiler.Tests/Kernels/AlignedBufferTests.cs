using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Kernels;

/// <summary>
/// The 64-byte aligned buffers generated networks keep their weights, gradients and activations in: every view of a
/// buffer (its reference, its span, its slices) must address the same floats, and the generated code must use them.
/// </summary>
public sealed class AlignedBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(25_600)]
    public void EveryBuffer_StartsOnA64ByteBoundary_AndIsZeroed(int length)
    {
        // Many small buffers in a row: the allocator's own placement varies, the buffer's start must not.
        for (int i = 0; i < 64; i++)
        {
            var buffer = new AlignedBuffer(length);
            Assert.True(buffer.IsAligned);
            Assert.Equal(0, AddressOf(ref buffer.Reference) % 64);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(length, buffer.Span.Length);
            Assert.True(buffer.Span.IndexOfAnyExcept(0f) < 0);
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(4096)]
    public void AskedAlignment_IsWhereTheBufferStarts(int alignmentBytes)
    {
        for (int i = 0; i < 32; i++)
        {
            var buffer = new AlignedBuffer(3 + i * 97, alignmentBytes);
            Assert.True(buffer.IsAligned);
            Assert.Equal(alignmentBytes, buffer.AlignmentBytes);
            Assert.Equal(0, AddressOf(ref buffer.Reference) % alignmentBytes);
            Assert.Equal(3 + i * 97, buffer.Span.Length);
            Assert.True(buffer.Span.IndexOfAnyExcept(0f) < 0);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(96)]
    [InlineData(8192)]
    public void Alignment_NotAPowerOfTwoFrom64To4096_IsRefusedByName(int alignmentBytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(8, alignmentBytes));
        Assert.Equal("alignmentBytes", error.ParamName);
        Assert.Contains("power of two", error.Message);
    }

    [Fact]
    public void Reference_SpanAndSlices_AddressTheSameFloats()
    {
        var buffer = new AlignedBuffer(40);
        for (int i = 0; i < buffer.Length; i++)
        {
            Unsafe.Add(ref buffer.Reference, i) = i;
        }

        Assert.Equal(39f, buffer.Span[39]);
        Assert.Equal(new float[] { 5f, 6f, 7f }, buffer.AsSpan(5, 3).ToArray());
        Assert.Equal(37f, buffer.AsSpan(37)[0]);
        ReadOnlySpan<float> readOnly = buffer;
        Assert.Equal(12f, readOnly[12]);

        buffer.Clear();
        Assert.True(buffer.Span.IndexOfAnyExcept(0f) < 0);
    }

    [Fact]
    public void Slices_PastTheEnd_AreRefused()
    {
        var buffer = new AlignedBuffer(8);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AsSpan(4, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AsSpan(9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(-1));
    }

    [Fact]
    public void GeneratedNetworks_KeepTheirParametersAligned()
    {
        // The parameters are the one buffer a caller can see; the generator allocates every other buffer the same way.
        Assert.Equal(0, AddressOf(ref MemoryMarshal.GetReference(new SeedCnn().Parameters)) % 64);
        Assert.Equal(0, AddressOf(ref MemoryMarshal.GetReference(new TokenLstm().Parameters)) % 64);
        Assert.Equal(0, AddressOf(ref MemoryMarshal.GetReference(new TokenLstm().CreateInferenceCopy().Parameters)) % 64);
    }

    private static unsafe long AddressOf(ref float value) => (long)Unsafe.AsPointer(ref value);
}
