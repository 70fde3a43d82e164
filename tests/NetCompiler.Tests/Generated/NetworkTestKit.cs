using System;
using NetCompiler;

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
}
