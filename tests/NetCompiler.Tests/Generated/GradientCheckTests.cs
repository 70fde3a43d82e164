using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>
/// Finite-difference checks of every generated backward pass: each network combines several layer options, so together
/// they cover Conv2D valid and same padding, strides 1 and 2, rectangular kernels, MaxPool valid and same with uneven
/// sizes, Flatten, Dense, every activation and both forms of the loss, with channel counts that leave vector tails.
/// </summary>
public sealed class GradientCheckTests
{
    [Fact]
    public void PaddedCnn_SameStrideTwoTanhSigmoid_GradientsMatchFiniteDifferences()
    {
        var network = new PaddedCnn(seed: 3);
        float[] inputs = NetworkTestKit.RandomInputs(PaddedCnn.BatchSize * PaddedCnn.InputLength, seed: 1);
        int[] labels = NetworkTestKit.RandomLabels(PaddedCnn.BatchSize, PaddedCnn.OutputLength, seed: 2);
        int[] indices = NetworkTestKit.Indices(PaddedCnn.ParameterCount, 4000, seed: 3);

        Assert.Null(NetworkTestKit.CheckGradients(network, inputs, labels, indices));
    }

    [Fact]
    public void StridedCnn_ValidStrideTwoPoolOnOddSizesLogits_GradientsMatchFiniteDifferences()
    {
        var network = new StridedCnn(seed: 5);
        float[] inputs = NetworkTestKit.RandomInputs(StridedCnn.BatchSize * StridedCnn.InputLength, seed: 4);
        int[] labels = NetworkTestKit.RandomLabels(StridedCnn.BatchSize, StridedCnn.OutputLength, seed: 5);
        int[] indices = NetworkTestKit.Indices(StridedCnn.ParameterCount, 4000, seed: 6);

        Assert.Null(NetworkTestKit.CheckGradients(network, inputs, labels, indices));
    }

    [Fact]
    public void Perceptron_EveryActivation_GradientsMatchFiniteDifferences()
    {
        var network = new Perceptron(seed: 11);
        float[] inputs = NetworkTestKit.RandomInputs(3 * Perceptron.InputLength, seed: 7);
        int[] labels = NetworkTestKit.RandomLabels(3, Perceptron.OutputLength, seed: 8);
        int[] indices = NetworkTestKit.Indices(Perceptron.ParameterCount, 4000, seed: 9);

        Assert.Null(NetworkTestKit.CheckGradients(network, inputs, labels, indices));
    }

    [Fact]
    public void SeedCnn_FullBatch_SampledGradientsMatchFiniteDifferences()
    {
        var network = new SeedCnn(seed: 42);
        float[] inputs = NetworkTestKit.RandomInputs(4 * SeedCnn.InputLength, seed: 10, low: 0f, high: 1f);
        int[] labels = NetworkTestKit.RandomLabels(4, SeedCnn.OutputLength, seed: 11);
        int[] indices = NetworkTestKit.Indices(SeedCnn.ParameterCount, 300, seed: 12);

        Assert.Null(NetworkTestKit.CheckGradients(network, inputs, labels, indices));
    }
}
