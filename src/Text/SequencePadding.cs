using System;
using System.Collections.Generic;

namespace NetCompiler;

/// <summary>
/// Brings id sequences of any length to the fixed length a <c>SequenceInput</c> model takes, with the defaults of
/// Keras' <c>pad_sequences</c>: zeros go in front of a short sequence (<c>padding='pre'</c>), and a long one keeps its
/// last ids (<c>truncating='pre'</c>). Pre-padding puts the words next to the final step, whose state an LSTM without
/// <c>ReturnSequences</c> returns, instead of letting a run of padding steps wash them out.
/// </summary>
public static class SequencePadding
{
    /// <summary>
    /// Writes <paramref name="ids"/> into <paramref name="destination"/>, whose length is the target length: zeros
    /// first when there are fewer ids, only the last <c>destination.Length</c> ids when there are more.
    /// </summary>
    public static void PadOrTruncate(ReadOnlySpan<int> ids, Span<int> destination)
    {
        if (ids.Length >= destination.Length)
        {
            ids.Slice(ids.Length - destination.Length).CopyTo(destination);
            return;
        }

        int start = destination.Length - ids.Length;
        destination.Slice(0, start).Fill(TextVocabulary.PaddingId);
        ids.CopyTo(destination.Slice(start));
    }

    /// <summary>
    /// Pads or truncates every sequence to <paramref name="length"/> and lays them one after another, the layout
    /// <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> take: sequence <c>i</c> is
    /// <c>result[i * length .. (i + 1) * length]</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="sequences"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">
    /// A sequence is null, or all of them together would not fit in one array.
    /// </exception>
    public static int[] PadAll(IReadOnlyList<int[]> sequences, int length)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        long total = (long)sequences.Count * length;
        if (total > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{sequences.Count} sequences of {length} ids make {total} ids, more than one array holds " +
                $"({Array.MaxLength}); pad them in smaller groups.",
                nameof(sequences));
        }

        var result = new int[total];
        for (int i = 0; i < sequences.Count; i++)
        {
            int[]? sequence = sequences[i];
            if (sequence is null)
            {
                throw new ArgumentException($"sequences[{i}] is null; every sequence must be an array.",
                    nameof(sequences));
            }

            PadOrTruncate(sequence, result.AsSpan(i * length, length));
        }

        return result;
    }
}
