using System;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>
/// Forward and Predict compute convolutions their own way: only the output pixels the next pool reads. Training
/// computes every pixel directly, so the outputs of <c>ComputeLoss</c> are the oracle for inference.
/// </summary>
public sealed class InferencePathTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void SeedCnn_Inference_MatchesDirectComputation() =>
        AssertInferenceMatchesTraining(new SeedCnn(), Inputs(SeedCnn.BatchSize * SeedCnn.InputLength, seed: 1, low: 0));

    [Fact]
    public void UnevenConvCnn_Inference_MatchesDirectComputation() =>
        AssertInferenceMatchesTraining(new UnevenConvCnn(), Inputs(UnevenConvCnn.BatchSize * UnevenConvCnn.InputLength, seed: 2));

    [Fact]
    public void FlooredPoolCnn_Inference_MatchesDirectComputation() =>
        AssertInferenceMatchesTraining(new FlooredPoolCnn(), Inputs(FlooredPoolCnn.BatchSize * FlooredPoolCnn.InputLength, seed: 3));

    [Fact]
    public void FiveByFivePoolCnn_Inference_MatchesDirectComputation() =>
        AssertInferenceMatchesTraining(
            new FiveByFivePoolCnn(), Inputs(FiveByFivePoolCnn.BatchSize * FiveByFivePoolCnn.InputLength, seed: 4));

    [Fact]
    public void TrimmedRows_AfterTraining_DoNotLeakIntoInference()
    {
        // Training fills every output pixel; inference leaves the unread ones as they were. Poison them through a
        // training pass on huge inputs, then check that inference on normal inputs still matches.
        var network = new UnevenConvCnn();
        float[] inputs = Inputs(UnevenConvCnn.BatchSize * UnevenConvCnn.InputLength, seed: 5);
        float[] huge = Array.ConvertAll(inputs, x => x * 1e30f);
        network.ComputeLoss(huge, new int[UnevenConvCnn.BatchSize]);
        AssertInferenceMatchesTraining(network, inputs);
    }

    private static float[] Inputs(int length, int seed, float low = -1f) =>
        NetworkTestKit.RandomInputs(length, seed, low, high: 1f);

    /// <summary>Predict and Forward against ComputeLoss's outputs (direct computation), sample by sample.</summary>
    internal static float[] AssertInferenceMatchesTraining(INetwork<float> network, float[] inputs)
    {
        int count = inputs.Length / network.InputLength;
        int outputLength = network.OutputLength;
        network.ComputeLoss(inputs, new int[count]);
        float[] direct = network.Outputs.ToArray();

        float[] predicted = new float[count * outputLength];
        network.Predict(inputs, predicted);
        float difference = MaxDifference(direct, predicted);
        Assert.True(difference <= Tolerance, $"Predict differs from the direct computation by {difference}");

        float[] one = new float[outputLength];
        for (int s = 0; s < count; s++)
        {
            network.Forward(inputs.AsSpan(s * network.InputLength, network.InputLength), one);
            difference = MaxDifference(direct.AsSpan(s * outputLength, outputLength), one);
            Assert.True(difference <= Tolerance, $"Forward of sample {s} differs from the direct computation by {difference}");
        }

        return predicted;
    }

    internal static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
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
