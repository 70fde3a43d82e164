using System;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>Generated forward passes against the naive <see cref="ReferenceForward"/> from the same parameters.</summary>
public sealed class ForwardReferenceTests
{
    [Fact]
    public void SeedCnn_Forward_MatchesReference()
    {
        var network = new SeedCnn(seed: 4);
        AssertMatches(network, 3, input => Reference(network, input, 28, 28, 1)
            .Conv2D(32, 3, 3, 1, false, Activation.ReLU).MaxPool2D(2, 2, false)
            .Conv2D(64, 3, 3, 1, false, Activation.ReLU).MaxPool2D(2, 2, false)
            .Flatten().Dense(128, Activation.ReLU).Dense(10, Activation.Softmax));
    }

    [Fact]
    public void PaddedCnn_SameStrideTwoAndRectangularKernel_MatchesReference()
    {
        var network = new PaddedCnn(seed: 4);
        AssertMatches(network, 4, input => Reference(network, input, 7, 7, 3)
            .Conv2D(5, 3, 3, 2, true, Activation.Tanh)
            .Conv2D(19, 2, 3, 1, true, Activation.ReLU)
            .MaxPool2D(2, 2, true)
            .Flatten().Dense(21, Activation.Sigmoid).Dense(3, Activation.Softmax));
    }

    [Fact]
    public void StridedCnn_ValidStrideTwoAndPoolStrideOne_MatchesReference()
    {
        var network = new StridedCnn(seed: 4);
        AssertMatches(network, 3, input => Reference(network, input, 9, 9, 2)
            .Conv2D(17, 3, 3, 2, false, Activation.ReLU).MaxPool2D(2, 1, false).MaxPool2D(2, 2, false)
            .Flatten().Dense(4, Activation.Linear));
    }

    [Fact]
    public void FiveByFivePools_ValidAndSame_MatchReference()
    {
        var valid = new FiveByFivePoolCnn(seed: 4);
        AssertMatches(valid, 3, input => Reference(valid, input, 7, 7, 2)
            .Conv2D(6, 3, 3, 1, false, Activation.Linear).MaxPool2D(2, 2, false)
            .Flatten().Dense(3, Activation.Softmax));

        var same = new FiveByFiveSamePoolCnn(seed: 4);
        AssertMatches(same, 3, input => Reference(same, input, 7, 7, 2)
            .Conv2D(6, 3, 3, 1, false, Activation.Sigmoid).MaxPool2D(2, 2, true)
            .Conv2D(9, 2, 2, 1, true, Activation.Sigmoid).Flatten().Dense(2, Activation.Linear));
    }

    [Fact]
    public void Perceptron_Forward_MatchesReference()
    {
        var network = new Perceptron(seed: 4);
        AssertMatches(network, 5, input => Reference(network, input, 1, 1, 13)
            .Dense(37, Activation.Tanh).Dense(33, Activation.ReLU).Dense(18, Activation.Sigmoid)
            .Dense(6, Activation.Softmax));
    }

    [Fact]
    public void FiveByFivePool_GradientsMatchFiniteDifferences()
    {
        foreach (INetwork<float> network in new INetwork<float>[] { new FiveByFivePoolCnn(), new FiveByFiveSamePoolCnn() })
        {
            float[] inputs = NetworkTestKit.RandomInputs(3 * network.InputLength, seed: 21);
            int[] labels = NetworkTestKit.RandomLabels(3, network.OutputLength, seed: 22);
            int[] indices = NetworkTestKit.Indices(network.ParameterCount, 4000, seed: 23);
            Assert.Null(NetworkTestKit.CheckGradients(network, inputs, labels, indices));
        }
    }

    private static ReferenceForward Reference(INetwork<float> network, float[] input, int h, int w, int c) =>
        new(input, h, w, c, network.Parameters.ToArray());

    /// <summary>Random inputs (and random, non-zero biases, so that bias handling is checked too) through both.</summary>
    private static void AssertMatches(INetwork<float> network, int samples, Func<float[], ReferenceForward> reference)
    {
        var random = new NetworkRandom(77);
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i] == 0)
            {
                parameters[i] = random.NextSingle(-0.1f, 0.1f);
            }
        }

        float[] inputs = NetworkTestKit.RandomInputs(samples * network.InputLength, seed: 78);
        var predicted = new float[samples * network.OutputLength];
        network.Predict(inputs, predicted);
        for (int s = 0; s < samples; s++)
        {
            float[] sample = inputs.AsSpan(s * network.InputLength, network.InputLength).ToArray();
            double[] expected = reference(sample).Values;
            Assert.Equal(network.OutputLength, expected.Length);
            var single = new float[network.OutputLength];
            network.Forward(sample, single);
            for (int k = 0; k < expected.Length; k++)
            {
                double tolerance = 1e-5 + 1e-4 * Math.Abs(expected[k]);
                Assert.True(Math.Abs(expected[k] - predicted[s * network.OutputLength + k]) <= tolerance,
                    $"sample {s}, output {k}: reference {expected[k]:G7}, Predict {predicted[s * network.OutputLength + k]:G7}");
                Assert.Equal(predicted[s * network.OutputLength + k], single[k]);
            }
        }
    }
}
