using System;
using System.IO;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>
/// Inference may read weights in a layout prepared from the parameters (an Embedding folded into the LSTM after it).
/// Training always computes directly, so the outputs of <c>ComputeLoss</c> are the oracle: after every way the
/// parameters can change, Forward and Predict must agree with them.
/// </summary>
public sealed class PreparedWeightsTests
{
    [Fact]
    public void FoldedEmbedding_FreshNetwork_MatchesDirectComputation()
    {
        var network = new TokenLstm(seed: 3);
        int[] tokens = Tokens(seed: 1);
        NetworkTestKit.AssertInferenceMatchesTraining(network, tokens);
    }

    [Fact]
    public void FoldedEmbedding_AfterWritesThroughParameters_FollowsTheNewWeights()
    {
        var network = new TokenLstm(seed: 3);
        int[] tokens = Tokens(seed: 2);
        float[] before = Predict(network, tokens);

        // Every embedding row and the projection kernel change; the folded rows built above are now stale.
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = parameters[i] * 1.5f + 0.01f;
        }

        float[] after = NetworkTestKit.AssertInferenceMatchesTraining(network, tokens);
        Assert.True(NetworkTestKit.MaxDifference(before, after) > 1e-3f, "the change to the weights did not reach the outputs");
    }

    [Fact]
    public void FoldedEmbedding_AfterTrainingSteps_FollowsTheNewWeights()
    {
        var network = new TokenLstm(seed: 4);
        int[] tokens = Tokens(seed: 5);
        int[] labels = NetworkTestKit.RandomLabels(TokenLstm.BatchSize, TokenLstm.OutputLength, seed: 6);
        float[] before = Predict(network, tokens);
        for (int step = 0; step < 5; step++)
        {
            network.TrainBatch(tokens, labels);
        }

        float[] after = NetworkTestKit.AssertInferenceMatchesTraining(network, tokens);
        Assert.True(NetworkTestKit.MaxDifference(before, after) > 1e-4f, "training did not change the outputs");
    }

    [Fact]
    public void FoldedEmbedding_AfterLoad_FollowsTheLoadedWeights()
    {
        var trained = new TokenLstm(seed: 7);
        int[] tokens = Tokens(seed: 8);
        trained.TrainBatch(tokens, NetworkTestKit.RandomLabels(TokenLstm.BatchSize, TokenLstm.OutputLength, seed: 9));
        var saved = new MemoryStream();
        trained.Save(saved);

        var network = new TokenLstm(seed: 10);
        Predict(network, tokens);
        saved.Position = 0;
        network.Load(saved);

        float[] loaded = NetworkTestKit.AssertInferenceMatchesTraining(network, tokens);
        Assert.Equal(Predict(trained, tokens), loaded);
    }

    [Fact]
    public void FoldedEmbedding_InferenceCopy_SeesTheSourceTrain()
    {
        var network = new TokenLstm(seed: 11);
        TokenLstm copy = network.CreateInferenceCopy();
        int[] tokens = Tokens(seed: 12);
        Predict(copy, tokens);

        network.TrainBatch(tokens, NetworkTestKit.RandomLabels(TokenLstm.BatchSize, TokenLstm.OutputLength, seed: 13));

        float[] expected = Predict(network, tokens);
        Assert.Equal(expected, Predict(copy, tokens));
        NetworkTestKit.AssertInferenceMatchesTraining(network, tokens);
    }

    private static int[] Tokens(int seed) =>
        NetworkTestKit.RandomLabels(TokenLstm.BatchSize * TokenLstm.InputLength, 11, seed);

    private static float[] Predict(TokenLstm network, int[] tokens)
    {
        float[] outputs = new float[tokens.Length / TokenLstm.InputLength * TokenLstm.OutputLength];
        network.Predict(tokens, outputs);
        return outputs;
    }
}
