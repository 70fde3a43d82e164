using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetCompiler;

/// <summary>Keras' gradient clipping by norm, expressed as one scale factor per parameter tensor.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Fills <paramref name="scales"/> (one per tensor) so that scaling each tensor's gradient by it applies Keras'
    /// clipnorm (each tensor's norm at most <paramref name="clipNorm"/>) and then global_clipnorm (the norm of all of
    /// them together at most <paramref name="globalClipNorm"/>). Zero turns either off. Allocates nothing.
    /// </summary>
    public static void ComputeScales(
        ReadOnlySpan<float> gradients, ReadOnlySpan<TensorInfo> tensors, float clipNorm, float globalClipNorm, Span<float> scales)
    {
        if (scales.Length < tensors.Length)
        {
            throw new ArgumentException($"Need {tensors.Length} scales, got {scales.Length}.", nameof(scales));
        }

        double globalSquares = 0;
        for (int k = 0; k < tensors.Length; k++)
        {
            double squares = SumOfSquares(gradients.Slice(tensors[k].Offset, tensors[k].Length));
            double norm = Math.Sqrt(squares);
            double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
            scales[k] = (float)scale;
            globalSquares += squares * scale * scale;
        }

        double globalNorm = Math.Sqrt(globalSquares);
        if (globalClipNorm > 0 && globalNorm > globalClipNorm)
        {
            float factor = (float)(globalClipNorm / globalNorm);
            for (int k = 0; k < tensors.Length; k++)
            {
                scales[k] *= factor;
            }
        }
    }

    /// <summary>
    /// The sum of squares in double precision (a float sum over an embedding's 640,000 gradients loses digits).
    /// Vectorised at the machine's <see cref="Vector{T}"/> width with four independent accumulators: a scalar loop
    /// waited on its own additions, about 4 cycles per element, and cost the text LSTM's training step 0.7 ms. The
    /// pass is bound by memory, so the wider registers of AVX-512 would not pay for a second copy of the loop.
    /// </summary>
    internal static double SumOfSquares(ReadOnlySpan<float> values)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        double total = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            Vector<double> a0 = Vector<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i <= n - 2 * width; i += 2 * width)
            {
                Vector.Widen(Vector.LoadUnsafe(ref start, (nuint)i), out Vector<double> l0, out Vector<double> h0);
                Vector.Widen(Vector.LoadUnsafe(ref start, (nuint)(i + width)), out Vector<double> l1, out Vector<double> h1);
                a0 += l0 * l0;
                a1 += h0 * h0;
                a2 += l1 * l1;
                a3 += h1 * h1;
            }

            total = Vector.Sum((a0 + a1) + (a2 + a3));
        }

        // The scalar reference, and the tail of the vector loop.
        for (; i < n; i++)
        {
            double value = Unsafe.Add(ref start, i);
            total += value * value;
        }

        return total;
    }
}
