using System;

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
            ReadOnlySpan<float> g = gradients.Slice(tensors[k].Offset, tensors[k].Length);
            double squares = 0;
            foreach (float value in g)
            {
                squares += (double)value * value;
            }

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
}
