using System;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>
/// The LSTM recurrence advances several samples together, in tiles that share each loaded row of the recurrent kernel.
/// Every sample's sums run in the same order whatever tile it lands in, so a batch must give exactly what each sample
/// gives alone, and the gradients of a whole batch must match finite differences.
/// </summary>
public sealed class BatchedRecurrenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void WideBatchLstm_PredictOfNine_EqualsForwardOfEach(int degree)
    {
        var network = new WideBatchLstm(seed: 4) { DegreeOfParallelism = Math.Min(degree, Environment.ProcessorCount) };
        int[] tokens = PaddedTokens(count: WideBatchLstm.BatchSize * 3, seed: 41);
        float[] predicted = new float[tokens.Length / WideBatchLstm.InputLength * WideBatchLstm.OutputLength];
        network.Predict(tokens, predicted);

        float[] one = new float[WideBatchLstm.OutputLength];
        for (int s = 0; s < tokens.Length / WideBatchLstm.InputLength; s++)
        {
            network.Forward(tokens.AsSpan(s * WideBatchLstm.InputLength, WideBatchLstm.InputLength), one);
            Assert.Equal(one, predicted.AsSpan(s * WideBatchLstm.OutputLength, WideBatchLstm.OutputLength).ToArray());
        }
    }

    [Fact]
    public void WideBatchLstm_TrainingBatch_EqualsForwardOfEach()
    {
        var network = new WideBatchLstm(seed: 5) { DegreeOfParallelism = 1 };
        int[] tokens = PaddedTokens(count: WideBatchLstm.BatchSize, seed: 42);
        network.ComputeLoss(tokens, new int[WideBatchLstm.BatchSize]);
        float[] batch = network.Outputs.ToArray();

        float[] one = new float[WideBatchLstm.OutputLength];
        for (int s = 0; s < WideBatchLstm.BatchSize; s++)
        {
            network.Forward(tokens.AsSpan(s * WideBatchLstm.InputLength, WideBatchLstm.InputLength), one);
            Assert.Equal(one, batch.AsSpan(s * WideBatchLstm.OutputLength, WideBatchLstm.OutputLength).ToArray());
        }
    }

    [Fact]
    public void WideBatchLstm_FullBatch_GradientsMatchFiniteDifferences()
    {
        var network = new WideBatchLstm(seed: 6) { DegreeOfParallelism = 1 };
        int[] tokens = PaddedTokens(count: WideBatchLstm.BatchSize, seed: 43);
        int[] labels = NetworkTestKit.RandomLabels(WideBatchLstm.BatchSize, WideBatchLstm.OutputLength, seed: 44);
        int[] indices = NetworkTestKit.Indices(WideBatchLstm.ParameterCount, 4000, seed: 45);

        Assert.Null(NetworkTestKit.CheckGradients(network, tokens, labels, indices, absoluteTolerance: 1e-4f, relativeTolerance: 1e-2f));
    }

    /// <summary>Random ids with some sequences left-padded and some padded steps in the middle.</summary>
    private static int[] PaddedTokens(int count, int seed)
    {
        int[] tokens = NetworkTestKit.RandomLabels(count * WideBatchLstm.InputLength, 13, seed);
        for (int s = 0; s < count; s += 3)
        {
            tokens[s * WideBatchLstm.InputLength] = 0;
            tokens[s * WideBatchLstm.InputLength + 1] = 0;
        }

        return tokens;
    }
}
