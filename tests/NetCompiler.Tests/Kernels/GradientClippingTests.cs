using System;
using Xunit;

namespace NetCompiler.Tests.Kernels;

/// <summary>
/// Keras' clipnorm and global_clipnorm as per-tensor scales, against a plain double-precision computation written from
/// the definition. The suite runs once per accelerated width, so each vector loop and the scalar one are covered.
/// </summary>
public sealed class GradientClippingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(640_000)]
    [InlineData(640_013)]
    public void SumOfSquares_MatchesASequentialDoubleSum(int length)
    {
        float[] values = RandomValues(length, seed: length);
        double expected = 0;
        foreach (float value in values)
        {
            expected += (double)value * value;
        }

        double actual = GradientClipping.SumOfSquares(values);
        Assert.Equal(expected, actual, expected * 1e-12 + 1e-300);
    }

    [Fact]
    public void SumOfSquares_PropagatesNaNAndInfinity()
    {
        float[] values = RandomValues(100, seed: 3);
        values[57] = float.NaN;
        Assert.True(double.IsNaN(GradientClipping.SumOfSquares(values)));
        values[57] = float.NegativeInfinity;
        Assert.True(double.IsPositiveInfinity(GradientClipping.SumOfSquares(values)));
    }

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(0f, 0.5f)]
    [InlineData(0.3f, 2f)]
    [InlineData(1000f, 0f)]
    public void ComputeScales_FollowKerasClipnormThenGlobalClipnorm(float clipNorm, float globalClipNorm)
    {
        // Three tensors of different norms, one of them long enough for every vector loop and a tail.
        TensorInfo[] tensors =
        {
            new("a", new[] { 3, 5 }, 0),
            new("b", new[] { 1_001 }, 15),
            new("c", new[] { 4 }, 1_016),
        };
        float[] gradients = RandomValues(1_020, seed: 11);
        var scales = new float[3];
        GradientClipping.ComputeScales(gradients, tensors, clipNorm, globalClipNorm, scales);

        var expected = new double[3];
        double globalSquares = 0;
        for (int k = 0; k < tensors.Length; k++)
        {
            double squares = 0;
            for (int i = tensors[k].Offset; i < tensors[k].Offset + tensors[k].Length; i++)
            {
                squares += (double)gradients[i] * gradients[i];
            }

            double norm = Math.Sqrt(squares);
            expected[k] = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
            globalSquares += squares * expected[k] * expected[k];
        }

        double globalNorm = Math.Sqrt(globalSquares);
        for (int k = 0; k < tensors.Length; k++)
        {
            double factor = globalClipNorm > 0 && globalNorm > globalClipNorm ? globalClipNorm / globalNorm : 1;
            Assert.Equal((float)(expected[k] * factor), scales[k], 1e-6f);
        }

        // The cases above must exercise clipping, not only the pass-through.
        if (clipNorm == 1f || globalClipNorm == 0.5f)
        {
            Assert.Contains(scales, s => s < 0.99f);
        }
    }

    private static float[] RandomValues(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1) * (i % 3 == 0 ? 10f : 0.01f);
        }

        return values;
    }
}
