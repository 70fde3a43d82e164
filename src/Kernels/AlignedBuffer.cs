using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetCompiler;

/// <summary>
/// A zeroed float buffer whose first element sits on a 64-byte boundary, for the weights, gradients and activations
/// of generated networks.
/// </summary>
/// <remarks>
/// A managed array's elements start 16 bytes into an object that the runtime only aligns to 8 bytes, so a 64-byte
/// load from it straddles two cache lines three times out of four. On the machine the benchmarks run on (AMD Zen 4)
/// that alone made the LSTM's recurrent sweep about 1.5x slower when its weights sat in L1, and the alignment, decided
/// by where the allocator happened to be, changed from one run to the next. The buffer is therefore an array 15
/// floats longer than asked, allocated on the pinned heap (the garbage collector keeps an object's address modulo 8
/// only, so a movable array could lose its alignment), and used from the first aligned element on. Correctness never
/// depends on the alignment: a buffer that were not aligned would only be slower.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AlignedBuffer
{
    private const int DefaultAlignmentBytes = 64;

    /// <summary>The largest alignment asked for: a page, which fixes where every float falls in the L1 cache's sets.</summary>
    private const int MaxAlignmentBytes = 4096;

    private readonly float[] _storage;
    private readonly int _offset;

    /// <summary>Allocates <paramref name="length"/> zeroed floats from a 64-byte boundary.</summary>
    public AlignedBuffer(int length)
        : this(length, DefaultAlignmentBytes)
    {
    }

    /// <summary>
    /// Allocates <paramref name="length"/> zeroed floats from a boundary of <paramref name="alignmentBytes"/>, a power
    /// of two from 64 to 4096. A 4096-byte boundary lets a kernel choose the L1 cache set of each line it lays out.
    /// </summary>
    public AlignedBuffer(int length, int alignmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (alignmentBytes < DefaultAlignmentBytes || alignmentBytes > MaxAlignmentBytes ||
            !BitOperations.IsPow2(alignmentBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(alignmentBytes), alignmentBytes,
                $"The alignment must be a power of two from {DefaultAlignmentBytes} to {MaxAlignmentBytes} bytes.");
        }

        // The slack keeps an aligned start within the array wherever the allocator puts it.
        int slack = alignmentBytes / sizeof(float) - 1;
        _storage = GC.AllocateArray<float>(checked(length + slack), pinned: true);
        AlignmentBytes = alignmentBytes;
        _offset = FirstAlignedIndex(_storage, alignmentBytes);
        Length = length;
    }

    /// <summary>The boundary, in bytes, that <see cref="Reference"/> sits on.</summary>
    public int AlignmentBytes { get; }

    /// <summary>The number of floats.</summary>
    public int Length { get; }

    /// <summary>The first float, for kernels that address the buffer by offset.</summary>
    public ref float Reference => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_storage), _offset);

    /// <summary>The whole buffer.</summary>
    public Span<float> Span => new(_storage, _offset, Length);

    /// <summary>The floats from <paramref name="start"/> to the end.</summary>
    public Span<float> AsSpan(int start) => Span.Slice(start);

    /// <summary><paramref name="length"/> floats from <paramref name="start"/>.</summary>
    public Span<float> AsSpan(int start, int length) => Span.Slice(start, length);

    /// <summary>Sets every float to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>The whole buffer, so that a buffer can be passed where a span is expected.</summary>
    public static implicit operator Span<float>(AlignedBuffer buffer) => buffer.Span;

    /// <summary>The whole buffer, read-only.</summary>
    public static implicit operator ReadOnlySpan<float>(AlignedBuffer buffer) => buffer.Span;

    /// <summary>
    /// Whether <see cref="Reference"/> is on its <see cref="AlignmentBytes"/> boundary (always, unless the runtime
    /// moved a pinned object).
    /// </summary>
    public unsafe bool IsAligned => ((nuint)Unsafe.AsPointer(ref Reference) & (nuint)(AlignmentBytes - 1)) == 0;

    private static unsafe int FirstAlignedIndex(float[] array, int alignmentBytes)
    {
        // Pinned-heap objects never move, so the address taken here stays the address of every later use.
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        nuint misalignment = address & (nuint)(alignmentBytes - 1);
        return misalignment == 0 ? 0 : (int)(((nuint)alignmentBytes - misalignment) / sizeof(float));
    }
}
