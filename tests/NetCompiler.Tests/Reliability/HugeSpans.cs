using System;
using System.Runtime.InteropServices;

namespace NetCompiler.Tests.Reliability;

/// <summary>
/// Spans of up to <see cref="int.MaxValue"/> four-byte elements, for calls that must be refused on their length alone.
/// </summary>
/// <remarks>
/// The block is one zeroed allocation of 8 GiB of address space. calloc takes it straight from mmap, so its pages are
/// only reserved: reading them sees the kernel's shared zero page and writing commits just the pages written. A
/// network that validates first never reads past the few values a valid call would use. This needs Linux's default
/// overcommit policy (vm.overcommit_memory 0 or 1); under strict accounting the allocation itself would fail.
/// </remarks>
internal static unsafe class HugeSpans
{
    /// <summary>The largest length a span can have. It is prime, so it is never a whole number of samples.</summary>
    public const int MaxLength = int.MaxValue;

    /// <summary>A smaller huge length, also prime for the same reason.</summary>
    public const int LargePrime = 1_000_003;

    private static readonly void* s_block = NativeMemory.AllocZeroed((nuint)MaxLength, sizeof(int));

    /// <summary>Whether a length can only come from this block (no test builds arrays this long).</summary>
    public static bool IsHuge(int length) => length >= LargePrime;

    /// <summary>The first <paramref name="length"/> elements: zero bits unless a call wrote there.</summary>
    public static Span<T> Of<T>(int length)
        where T : unmanaged
    {
        if (sizeof(T) != sizeof(int) || (uint)length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The block holds four-byte elements only.");
        }

        return new Span<T>(s_block, length);
    }
}
