using System;
using System.IO;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>
/// Forward and Predict compute convolutions their own way: only the output pixels the next pool reads, and 3x3
/// stride-1 convolutions by Winograd F(2x2, 3x3) from a kernel transformed from the parameters. Training computes
/// every pixel directly, so the outputs of <c>ComputeLoss</c> are the oracle for inference, also after every way the
/// parameters can change under the transformed kernels.
/// </summary>
public sealed class InferencePathTests
{

    [Fact]
    public void SeedCnn_Inference_MatchesDirectComputation() =>
        NetworkTestKit.AssertInferenceMatchesTraining(new SeedCnn(), Inputs(SeedCnn.BatchSize * SeedCnn.InputLength, seed: 1, low: 0));

    [Fact]
    public void UnevenConvCnn_Inference_MatchesDirectComputation() =>
        NetworkTestKit.AssertInferenceMatchesTraining(new UnevenConvCnn(), Inputs(UnevenConvCnn.BatchSize * UnevenConvCnn.InputLength, seed: 2));

    [Fact]
    public void FlooredPoolCnn_Inference_MatchesDirectComputation() =>
        NetworkTestKit.AssertInferenceMatchesTraining(new FlooredPoolCnn(), Inputs(FlooredPoolCnn.BatchSize * FlooredPoolCnn.InputLength, seed: 3));

    [Fact]
    public void FiveByFivePoolCnn_Inference_MatchesDirectComputation() =>
        NetworkTestKit.AssertInferenceMatchesTraining(
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
        NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);
    }

    [Fact]
    public void Winograd_AfterWritesThroughParameters_FollowsTheNewWeights()
    {
        var network = new UnevenConvCnn();
        float[] inputs = Inputs(UnevenConvCnn.BatchSize * UnevenConvCnn.InputLength, seed: 6);
        float[] before = NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);

        // Every kernel changes; the transformed kernels built above are now stale.
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = parameters[i] * 1.5f + 0.01f;
        }

        float[] after = NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);
        Assert.True(NetworkTestKit.MaxDifference(before, after) > 1e-3f, "the change to the weights did not reach the outputs");
    }

    [Fact]
    public void Winograd_AfterTrainingSteps_FollowsTheNewWeights()
    {
        var network = new SeedCnn();
        float[] inputs = Inputs(SeedCnn.BatchSize * SeedCnn.InputLength, seed: 7, low: 0);
        int[] labels = NetworkTestKit.RandomLabels(SeedCnn.BatchSize, SeedCnn.OutputLength, seed: 8);
        float[] before = NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);
        for (int step = 0; step < 3; step++)
        {
            network.TrainBatch(inputs, labels);
        }

        float[] after = NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);
        Assert.True(NetworkTestKit.MaxDifference(before, after) > 1e-4f, "training did not change the outputs");
    }

    [Fact]
    public void Winograd_AfterLoad_FollowsTheLoadedWeights()
    {
        var trained = new UnevenConvCnn(seed: 9);
        float[] inputs = Inputs(UnevenConvCnn.BatchSize * UnevenConvCnn.InputLength, seed: 10);
        trained.TrainBatch(inputs, NetworkTestKit.RandomLabels(UnevenConvCnn.BatchSize, UnevenConvCnn.OutputLength, seed: 11));
        var saved = new MemoryStream();
        trained.Save(saved);

        var network = new UnevenConvCnn(seed: 12);
        NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);
        saved.Position = 0;
        network.Load(saved);

        float[] loaded = NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);
        Assert.Equal(Predict(trained, inputs), loaded);
    }

    [Fact]
    public void Winograd_InferenceCopy_SeesTheSourceTrain()
    {
        var network = new UnevenConvCnn(seed: 13);
        UnevenConvCnn copy = network.CreateInferenceCopy();
        float[] inputs = Inputs(UnevenConvCnn.BatchSize * UnevenConvCnn.InputLength, seed: 14);
        float[] before = Predict(copy, inputs);

        network.TrainBatch(inputs, NetworkTestKit.RandomLabels(UnevenConvCnn.BatchSize, UnevenConvCnn.OutputLength, seed: 15));

        float[] expected = NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);
        float[] after = Predict(copy, inputs);
        Assert.Equal(expected, after);
        Assert.True(NetworkTestKit.MaxDifference(before, after) > 1e-6f, "training did not change the copy's outputs");
    }

    private static float[] Predict(INetwork<float> network, float[] inputs)
    {
        float[] outputs = new float[inputs.Length / network.InputLength * network.OutputLength];
        network.Predict(inputs, outputs);
        return outputs;
    }

    private static float[] Inputs(int length, int seed, float low = -1f) =>
        NetworkTestKit.RandomInputs(length, seed, low, high: 1f);
}
