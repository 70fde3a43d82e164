using System;
using System.Linq;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>Training never silently turns to NaN: non-finite steps are refused, and large logits stay finite.</summary>
public sealed class NumericalSafetyTests
{
    [Fact]
    public void TrainBatch_NaNInInputs_ReturnsNaNAndLeavesModelUnchanged()
    {
        var network = new PaddedCnn();
        float[] inputs = NetworkTestKit.RandomInputs(2 * PaddedCnn.InputLength, seed: 51);
        inputs[17] = float.NaN;
        float[] before = network.Parameters.ToArray();

        float loss = network.TrainBatch(inputs, new[] { 0, 1 });

        Assert.True(float.IsNaN(loss));
        Assert.Equal(before, network.Parameters.ToArray());
        Assert.Equal(0, network.Iterations);
    }

    [Fact]
    public void ReluAndMaxPool_PropagateNaN_InsteadOfHidingIt()
    {
        var network = new SeedCnn();
        float[] input = new float[SeedCnn.InputLength];
        input[100] = float.NaN;
        var output = new float[SeedCnn.OutputLength];
        network.Forward(input, output);
        Assert.Contains(output, float.IsNaN);
    }

    [Fact]
    public void LossFromLogits_OfMagnitude1e4_IsFiniteWithFiniteGradients()
    {
        var network = new StridedCnn();
        // Scale the last Dense layer so its logits reach about 1e4.
        Span<float> p = network.Parameters;
        int dense = StridedCnn.ParameterCount - (17 * 4 + 4);
        for (int i = dense; i < p.Length; i++)
        {
            p[i] *= 2e4f;
        }

        float[] inputs = NetworkTestKit.RandomInputs(3 * StridedCnn.InputLength, seed: 52, low: 0, high: 1);
        int[] labels = { 0, 1, 2 };
        float loss = network.ComputeGradients(inputs, labels);
        Assert.True(float.IsFinite(loss), $"loss {loss}");
        Assert.True(network.Outputs.ToArray().Max(Math.Abs) > 1000, "the logits should be large for this test to mean anything");
        foreach (float g in network.Gradients)
        {
            Assert.True(float.IsFinite(g));
        }
    }

    [Fact]
    public void Softmax_OfLogitsOfMagnitude1e4_IsFinite()
    {
        float[] values = { 1e4f, -1e4f, 9999f, 0f };
        ActivationKernels.Softmax(values);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1.0, values[0] + values[1] + values[2] + values[3], 5);
        float loss = LossKernels.SparseCrossEntropyFromLogits(new float[] { 1e4f, -1e4f }, new[] { 1 }, new float[2]);
        Assert.Equal(2e4f, loss, 0);
    }

    [Fact]
    public void Fit_NonFiniteBatch_StopsNamingEpochAndBatch_OrSkipsWhenAsked()
    {
        var network = new Perceptron();
        float[] inputs = NetworkTestKit.RandomInputs(20 * Perceptron.InputLength, seed: 53);
        int[] labels = NetworkTestKit.RandomLabels(20, Perceptron.OutputLength, seed: 54);
        inputs[3 * Perceptron.InputLength] = float.PositiveInfinity;

        var options = new FitOptions { Epochs = 2, Shuffle = false };
        var ex = Assert.Throws<InvalidOperationException>(() => network.Fit(inputs, labels, options));
        Assert.Contains("epoch 1 of 2, batch 1 of 4", ex.Message);

        var skipping = new Perceptron();
        TrainingHistory history = skipping.Fit(inputs, labels, new FitOptions { Epochs = 2, Shuffle = false, SkipNonFiniteBatches = true });
        Assert.Equal(1, history.Epochs[0].SkippedBatches);
        Assert.True(float.IsFinite(history.Epochs[1].Loss));
        Assert.Equal(6, skipping.Iterations);
        foreach (float p in skipping.Parameters)
        {
            Assert.True(float.IsFinite(p));
        }
    }
}
