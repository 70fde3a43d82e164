using System;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>Generated networks against values worked out by hand or from the optimizers' published formulas.</summary>
public sealed class HandComputedTests
{
    [Fact]
    public void TinyDense_KnownWeights_ForwardLossGradientAndSgdStepMatchHandValues()
    {
        var network = new TinyDense();
        // Dense kernel [in, out] = [[1, 2], [3, 4]], bias [0.5, -0.5].
        new float[] { 1, 2, 3, 4, 0.5f, -0.5f }.CopyTo(network.Parameters);
        float[] x = { 1, -1 };

        // z = x·W + b = [1 - 3 + 0.5, 2 - 4 - 0.5] = [-1.5, -2.5]; softmax = [1/(1+e^-1), 1/(1+e)].
        var output = new float[2];
        network.Forward(x, output);
        double p0 = 1 / (1 + Math.Exp(-1)), p1 = 1 - p0;
        Assert.Equal(p0, output[0], 6);
        Assert.Equal(p1, output[1], 6);

        // Label 1: loss = -ln p1; dz = p - onehot = [p0, -p0]; dW[i, o] = x_i·dz_o; db = dz.
        float loss = network.TrainBatch(x, new[] { 1 });
        Assert.Equal(-Math.Log(p1), loss, 5);
        double[] expectedGradient = { p0, -p0, -p0, p0, p0, -p0 };
        double[] start = { 1, 2, 3, 4, 0.5, -0.5 };
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(expectedGradient[i], network.Gradients[i], 5);
            Assert.Equal(start[i] - 0.5 * expectedGradient[i], network.Parameters[i], 5);
        }
    }

    [Fact]
    public void TinyAdam_ThreeSteps_FollowKerasFormula()
    {
        var network = new TinyAdam();
        float[] inputs = { 0.5f, -1f, 2f, 1.5f, 0.25f, -0.75f };
        int[] labels = { 1, 0 };
        double lr = 0.01, b1 = 0.8f, b2 = 0.99f, eps = 1e-6f;
        double[] p = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
        double[] m = new double[p.Length], v = new double[p.Length];
        for (int t = 1; t <= 3; t++)
        {
            // The gradient itself is checked by finite differences elsewhere; here it feeds the formula.
            network.ComputeGradients(inputs, labels);
            double[] g = Array.ConvertAll(network.Gradients.ToArray(), x => (double)x);
            network.TrainBatch(inputs, labels);
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < p.Length; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - b1);
                v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
                p[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + eps);
                Assert.Equal(p[i], network.Parameters[i], 5);
            }
        }

        Assert.Equal(3, network.Iterations);
    }

    [Fact]
    public void PaddedCnn_SgdWithMomentum_ThreeSteps_FollowKerasFormula()
    {
        var network = new PaddedCnn(seed: 8);
        float[] inputs = NetworkTestKit.RandomInputs(2 * PaddedCnn.InputLength, seed: 13);
        int[] labels = { 2, 0 };
        double[] p = Array.ConvertAll(network.Parameters.ToArray(), x => (double)x);
        double[] velocity = new double[p.Length];
        for (int t = 0; t < 3; t++)
        {
            network.ComputeGradients(inputs, labels);
            double[] g = Array.ConvertAll(network.Gradients.ToArray(), x => (double)x);
            network.TrainBatch(inputs, labels);
            for (int i = 0; i < p.Length; i++)
            {
                velocity[i] = 0.9f * velocity[i] - 0.1f * g[i];
                p[i] += velocity[i];
                Assert.True(Math.Abs(p[i] - network.Parameters[i]) < 1e-5, $"step {t + 1}, parameter {i}");
            }
        }
    }

    [Fact]
    public void SeedCnn_ParameterCountAndSummary_MatchKeras()
    {
        // Keras: conv2d 320, conv2d_1 18,496, dense 204,928, dense_1 1,290.
        Assert.Equal(225_034, SeedCnn.ParameterCount);
        Assert.Equal(784, SeedCnn.InputLength);
        Assert.Equal(10, SeedCnn.OutputLength);
        Assert.Contains("conv2d_1 (Conv2D)", SeedCnn.Summary);
        Assert.Contains("(None, 5, 5, 64)", SeedCnn.Summary);
        Assert.Contains("204,928", SeedCnn.Summary);
        Assert.Contains("Total params: 225,034", SeedCnn.Summary);
    }

    [Fact]
    public void SeedCnn_Initialisation_IsGlorotUniformWithZeroBiasesAndDeterministic()
    {
        var a = new SeedCnn();
        var b = new SeedCnn(SeedCnn.DefaultSeed);
        var c = new SeedCnn(seed: 7);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));

        // conv2d kernel [3, 3, 1, 32]: limit sqrt(6 / (9 + 288)); its bias follows and is zero.
        float limit = MathF.Sqrt(6f / (9 + 288));
        Span<float> kernel = a.Parameters.Slice(0, 288);
        float max = 0;
        foreach (float w in kernel)
        {
            max = Math.Max(max, Math.Abs(w));
        }

        Assert.True(max <= limit && max > 0.9f * limit, $"max |w| = {max}, limit {limit}");
        Assert.True(a.Parameters.Slice(288, 32).IndexOfAnyExcept(0f) < 0);
    }
}
