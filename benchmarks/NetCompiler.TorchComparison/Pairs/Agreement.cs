using System;

namespace NetCompiler.TorchComparison;

/// <summary>How closely the two libraries must agree before anything is timed.</summary>
internal static class Agreement
{
    /// <summary>
    /// The largest |difference| allowed between the two libraries' outputs (probabilities), and in --check between
    /// their gradients; both are float32 sums of the same products in different orders, so they differ by about 1e-7.
    /// </summary>
    public const float Tolerance = 1e-4f;

    public static float MaxAbsDifference(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"lengths differ: {left.Length} and {right.Length}");
        }

        float max = 0;
        for (int i = 0; i < left.Length; i++)
        {
            float difference = Math.Abs(left[i] - right[i]);

            // A NaN must fail the check, so it must not be lost by Math.Max's comparison order.
            max = float.IsNaN(difference) ? float.NaN : Math.Max(max, difference);
        }

        return max;
    }

    /// <summary>Throws when the outputs differ by <see cref="Tolerance"/> or more: the weights were not carried over.</summary>
    public static void RequireOutputs(string network, float difference)
    {
        if (!(difference < Tolerance))
        {
            throw new InvalidOperationException(
                $"{network}: NetCompiler's and TorchSharp's outputs differ by up to {difference:G3} (tolerance " +
                $"{Tolerance:G3}), so the two models do not hold the same weights; check the layout conversion " +
                "in Torch/KerasLayout.cs and Torch/TorchModels.cs.");
        }
    }
}
