using System;
using System.Runtime.InteropServices;
using NetCompiler.Tests.Generated;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Reliability;

/// <summary>
/// The same seed, data and degree of parallelism give the same bits: an epoch of Fit twice on fresh instances, on
/// one thread and on every core the network may use, and Predict against Forward. What may change results
/// (instruction set, degree of parallelism) is in docs/reliability.md.
/// </summary>
public sealed class DeterminismTests
{
    [Fact]
    public void SeedCnn_OneEpochOfFitTwice_GivesBitIdenticalParameters()
    {
        // One shuffled batch of 10 (of 32): the kernels are slow without SIMD, and the smaller networks below cover
        // epochs of several batches with an uneven last one.
        float[] inputs = NetworkTestKit.RandomInputs(10 * SeedCnn.InputLength, seed: 61, low: 0f, high: 1f);
        int[] labels = NetworkTestKit.RandomLabels(10, SeedCnn.OutputLength, seed: 62);
        AssertFitIsDeterministic(degree => new SeedCnn { DegreeOfParallelism = degree }, inputs, labels);
    }

    [Fact]
    public void PaddedCnn_OneEpochOfFitTwice_GivesBitIdenticalParameters()
    {
        float[] inputs = NetworkTestKit.RandomInputs(23 * PaddedCnn.InputLength, seed: 63);
        int[] labels = NetworkTestKit.RandomLabels(23, PaddedCnn.OutputLength, seed: 64);
        AssertFitIsDeterministic(degree => new PaddedCnn { DegreeOfParallelism = degree }, inputs, labels);
    }

    [Fact]
    public void TokenLstm_OneEpochOfFitOnSyntheticTextTwice_GivesBitIdenticalParameters()
    {
        // Sequences whose class is the most frequent of three token groups, so the loss has something to learn.
        const int samples = 40;
        var random = new NetworkRandom(65);
        int[] tokens = new int[samples * TokenLstm.InputLength];
        int[] labels = new int[samples];
        for (int s = 0; s < samples; s++)
        {
            labels[s] = random.NextInt32(TokenLstm.OutputLength);
            for (int t = 0; t < TokenLstm.InputLength; t++)
            {
                int group = random.NextInt32(2) == 0 ? labels[s] : random.NextInt32(3);
                tokens[s * TokenLstm.InputLength + t] = 1 + group * 3 + random.NextInt32(3);
            }
        }

        AssertFitIsDeterministic(degree => new TokenLstm { DegreeOfParallelism = degree }, tokens, labels);
    }

    [Fact]
    public void StreamingLstm_OneEpochOfFitTwice_GivesBitIdenticalParameters()
    {
        float[] inputs = NetworkTestKit.RandomInputs(15 * StreamingLstm.InputLength, seed: 66);
        int[] labels = NetworkTestKit.RandomLabels(15, StreamingLstm.OutputLength, seed: 67);
        AssertFitIsDeterministic(degree => new StreamingLstm { DegreeOfParallelism = degree }, inputs, labels);
    }

    [Fact]
    public void Predict_EqualsForward_BitForBit()
    {
        AssertPredictEqualsForward(
            new SeedCnn(seed: 3), NetworkTestKit.RandomInputs(5 * SeedCnn.InputLength, 68, 0, 1), winograd: true);
        AssertPredictEqualsForward(
            new PaddedCnn(seed: 3), NetworkTestKit.RandomInputs(9 * PaddedCnn.InputLength, 69));
        AssertPredictEqualsForward(
            new StreamingLstm(seed: 3), NetworkTestKit.RandomInputs(9 * StreamingLstm.InputLength, 70));
        AssertPredictEqualsForward(
            new TokenLstm(seed: 3), NetworkTestKit.RandomLabels(9 * TokenLstm.InputLength, 11, 71));
    }

    /// <summary>Two fresh instances from <paramref name="create"/> (given a degree) train alike.</summary>
    private static void AssertFitIsDeterministic<TInput>(
        Func<int, INetwork<TInput>> create, TInput[] inputs, int[] labels)
        where TInput : unmanaged
    {
        // One thread, as the single-threaded contract promises; then every core the network may use, which splits
        // each batch into the same ranges on every run and sums their gradients in the same order.
        foreach (int degree in new[] { 1, BatchParallel.MaxWorkers(create(1).BatchSize) })
        {
            var options = new FitOptions { Epochs = 1, Shuffle = true, ShuffleSeed = 5 };
            INetwork<TInput> first = create(degree), second = create(degree);
            float[] initial = first.Parameters.ToArray();
            TrainingHistory a = NetworkTrainer.Fit(first, inputs, labels, null, null, options, null, default);
            TrainingHistory b = NetworkTrainer.Fit(second, inputs, labels, null, null, options, null, default);

            // A run that trained nothing would be trivially repeatable.
            Assert.False(Bits(initial).SequenceEqual(Bits(first.Parameters)), "the epoch changed no parameter");
            Assert.True(
                Bits(first.Parameters).SequenceEqual(Bits(second.Parameters)),
                $"degree {degree}: the two runs' parameters differ");
            Assert.Equal(BitConverter.SingleToInt32Bits(a.Loss[0]), BitConverter.SingleToInt32Bits(b.Loss[0]));
        }
    }

    private static void AssertPredictEqualsForward<TInput>(INetwork<TInput> network, TInput[] inputs, bool winograd = false)
        where TInput : unmanaged
    {
        int samples = inputs.Length / network.InputLength;
        var predicted = new float[samples * network.OutputLength];
        network.Predict(inputs, predicted);
        var single = new float[network.OutputLength];
        for (int s = 0; s < samples; s++)
        {
            network.Forward(inputs.AsSpan(s * network.InputLength, network.InputLength), single);
            Assert.True(
                Bits(single).SequenceEqual(Bits(predicted.AsSpan(s * network.OutputLength, network.OutputLength))),
                $"{network.GetType().Name}: Forward of sample {s} differs from Predict");
        }

        // The batch path (each sample in its own slot of the batch buffers) gives the same bits too, unless inference
        // runs a convolution by Winograd, which rounds differently from training's direct convolution.
        int batch = Math.Min(samples, network.BatchSize);
        network.ComputeLoss(inputs.AsSpan(0, batch * network.InputLength), new int[batch]);
        ReadOnlySpan<float> direct = network.Outputs, inferred = predicted.AsSpan(0, batch * network.OutputLength);
        if (winograd)
        {
            float difference = 0;
            for (int i = 0; i < direct.Length; i++)
            {
                difference = MathF.Max(difference, MathF.Abs(direct[i] - inferred[i]));
            }

            Assert.True(difference <= 1e-5f, $"{network.GetType().Name}: ComputeLoss and Predict differ by {difference}");
            return;
        }

        Assert.True(
            Bits(direct).SequenceEqual(Bits(inferred)), $"{network.GetType().Name}: the Outputs of ComputeLoss differ from Predict");
    }

    private static ReadOnlySpan<int> Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values);
}
