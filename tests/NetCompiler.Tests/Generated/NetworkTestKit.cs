using System;
using NetCompiler;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>Random data and the finite-difference gradient check shared by the tests of generated networks.</summary>
internal static class NetworkTestKit
{
    public static float[] RandomInputs(int length, int seed, float low = -1f, float high = 1f)
    {
        var random = new NetworkRandom(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextSingle(low, high);
        }

        return values;
    }

    public static int[] RandomLabels(int count, int classes, int seed)
    {
        var random = new NetworkRandom(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.NextInt32(classes);
        }

        return labels;
    }

    /// <summary>
    /// Compares every analytic gradient at <paramref name="indices"/> with a central difference of the loss
    /// computed by <c>ComputeLoss</c>. Returns a description of the worst mismatch, or null when all agree.
    /// </summary>
    public static string? CheckGradients<TInput>(
        INetwork<TInput> network, TInput[] inputs, int[] labels, int[] indices, float step = 1e-3f,
        float absoluteTolerance = 2e-3f, float relativeTolerance = 2e-2f)
        where TInput : unmanaged
    {
        network.ComputeGradients(inputs, labels);
        float[] analytic = network.Gradients.ToArray();
        string? worst = null;
        double worstExcess = 0;
        int failures = 0;
        foreach (int index in indices)
        {
            // A ReLU or max-pool kink within one step of a parameter bends the central difference; such a point
            // agrees again with a smaller step, while a wrong gradient disagrees at every step.
            double error = double.MaxValue, numeric = 0, allowed = 0;
            for (float h = step; h >= step / 100 && error > allowed; h /= 10)
            {
                numeric = CentralDifference(network, inputs, labels, index, h);
                error = Math.Abs(numeric - analytic[index]);
                allowed = absoluteTolerance + relativeTolerance * Math.Abs(numeric);
            }

            if (error > allowed)
            {
                failures++;
            }

            if (error > allowed && error - allowed > worstExcess)
            {
                worstExcess = error - allowed;
                worst = $"parameter {index}: analytic {analytic[index]:G6}, numeric {numeric:G6}";
            }
        }

        return worst is null ? null : $"{failures} of {indices.Length} gradients differ; worst at {worst}";
    }

    private static double CentralDifference<TInput>(INetwork<TInput> network, TInput[] inputs, int[] labels, int index, float h)
        where TInput : unmanaged
    {
        float original = network.Parameters[index];
        network.Parameters[index] = original + h;
        double plus = network.ComputeLoss(inputs, labels);
        network.Parameters[index] = original - h;
        double minus = network.ComputeLoss(inputs, labels);
        network.Parameters[index] = original;
        return (plus - minus) / (2 * h);
    }

    /// <summary>Every index of small networks; for large ones, all of the first and last few of each tensor plus a sample.</summary>
    public static int[] Indices(int parameterCount, int maxCount, int seed)
    {
        if (parameterCount <= maxCount)
        {
            var all = new int[parameterCount];
            for (int i = 0; i < all.Length; i++)
            {
                all[i] = i;
            }

            return all;
        }

        var random = new NetworkRandom(seed);
        var picked = new int[maxCount];
        for (int i = 0; i < maxCount; i++)
        {
            picked[i] = random.NextInt32(parameterCount);
        }

        return picked;
    }

    /// <summary>How far inference (prepared layouts: Winograd, folded embeddings, skipped pixels) may be from training.</summary>
    public const float InferenceTolerance = 1e-5f;

    /// <summary>
    /// Predict and Forward, which may take inference's own paths, against ComputeLoss's outputs (the direct
    /// computation training uses), sample by sample; returns Predict's outputs.
    /// </summary>
    public static float[] AssertInferenceMatchesTraining<TInput>(INetwork<TInput> network, TInput[] inputs)
        where TInput : unmanaged
    {
        int count = inputs.Length / network.InputLength;
        int outputLength = network.OutputLength;
        network.ComputeLoss(inputs, new int[count]);
        float[] direct = network.Outputs.ToArray();

        float[] predicted = new float[count * outputLength];
        network.Predict(inputs, predicted);
        float difference = MaxDifference(direct, predicted);
        Assert.True(difference <= InferenceTolerance, $"Predict differs from the direct computation by {difference}");

        float[] one = new float[outputLength];
        for (int s = 0; s < count; s++)
        {
            network.Forward(inputs.AsSpan(s * network.InputLength, network.InputLength), one);
            difference = MaxDifference(direct.AsSpan(s * outputLength, outputLength), one);
            Assert.True(difference <= InferenceTolerance, $"Forward of sample {s} differs from the direct computation by {difference}");
        }

        return predicted;
    }

    public static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }
}
