using System;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Reliability;

/// <summary>Steps that are finite on their own but would break the optimizer state are refused too.</summary>
public sealed class StepSafetyTests
{
    [Fact]
    public void TinyAdam_GradientWhoseSquareOverflows_IsRefused_AndLaterStepsStayFinite()
    {
        // Found by ApiPropertyTests: an input of -1e20 gives a finite loss (6e19) and finite gradients (5e19), but
        // 5e19 squared overflows Adam's second moment to infinity, and the next ordinary step then wrote NaN into the
        // weights while returning a finite loss.
        var network = new TinyAdam();
        float[] inputs = [0.5f, -1f, 2f, 1.5f, 0.25f, -0.75f];
        int[] labels = [1, 0];
        float[] poisoned = (float[])inputs.Clone();
        poisoned[1] = -1e20f;
        float[] before = network.Parameters.ToArray();

        float loss = network.TrainBatch(poisoned, labels);

        Assert.False(float.IsFinite(loss), $"the step should have been refused, but TrainBatch returned {loss}");
        Assert.Equal(before, network.Parameters.ToArray());
        Assert.Equal(0, network.Iterations);
        for (int step = 0; step < 3; step++)
        {
            Assert.True(float.IsFinite(network.TrainBatch(inputs, labels)));
            Assert.All(network.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        }

        Assert.Equal(3, network.Iterations);
    }

    [Fact]
    public void IsFinite_RefusesGradientsWhoseSquaresOverflow_AndAcceptsLargeOnes()
    {
        Assert.True(NetworkGuard.IsFinite(1f, [1e19f, -1e19f, 3f]));
        Assert.False(NetworkGuard.IsFinite(1f, [2e19f, 0f]));
        Assert.False(NetworkGuard.IsFinite(1f, [float.NaN]));
        Assert.False(NetworkGuard.IsFinite(1f, [float.NegativeInfinity]));
        Assert.False(NetworkGuard.IsFinite(float.PositiveInfinity, [0f]));
        Assert.True(NetworkGuard.IsFinite(0f, []));
    }
}
