using System;

namespace NetCompiler.TorchComparison;

/// <summary>How closely NetCompiler and its peers must agree before anything is timed.</summary>
internal static class Agreement
{
    /// <summary>
    /// The largest |difference| allowed between the two libraries' outputs (probabilities), and in --check between
    /// their gradients; both are float32 sums of the same products in different orders, so they differ by about 1e-7.
    /// </summary>
    public const float Tolerance = 1e-4f;

    /// <summary>
    /// The largest |difference| allowed between ONNX Runtime's outputs and NetCompiler's: the bound issue 9 sets, and
    /// the one the export tests use. The exported graph holds NetCompiler's weights bit for bit, so only summation
    /// order separates the two (a few 1e-7 in the tests).
    /// </summary>
    public const float OrtTolerance = 1e-5f;

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

    /// <summary>
    /// Throws when ORT's outputs differ from NetCompiler's by <see cref="OrtTolerance"/> or more, on the batch or on
    /// the single sample: the export or the benchmark's use of ORT is wrong, and its timings would mean nothing.
    /// </summary>
    public static void RequireOrtOutputs(string network, (float Batch, float Sample) difference)
    {
        if (!(difference.Batch < OrtTolerance && difference.Sample < OrtTolerance))
        {
            throw new InvalidOperationException(
                $"{network}: ONNX Runtime's outputs differ from NetCompiler's by up to {difference.Batch:G3} on the " +
                $"batch and {difference.Sample:G3} on one sample (tolerance {OrtTolerance:G3}); check the ONNX " +
                "export (src/Onnx) and the input layout and shapes in Ort/OrtModel.cs.");
        }
    }
}
