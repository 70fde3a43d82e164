using System;
using System.IO;
using System.Reflection;
using System.Runtime.Intrinsics;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>
/// LSTMs of 48 to 64 units: inference on AVX-512 reads their recurrent kernel U from a copy laid out by L1 cache set,
/// in the same order as every other path, so the results must be those of the training path bit for bit, and the
/// copy must follow every change to the parameters. Without AVX-512 the same tests check the ordinary path.
/// </summary>
public sealed class PartitionedRecurrenceTests
{
    [Fact]
    public void WideStackedLstm_Inference_EqualsTrainingPathBitForBit()
    {
        var network = new WideStackedLstm();
        float[] inputs = NetworkTestKit.RandomInputs(WideStackedLstm.BatchSize * WideStackedLstm.InputLength, seed: 1);
        AssertInferenceEqualsTraining(network, inputs);
    }

    [Fact]
    public void WideMaskedTokenLstm_Inference_EqualsTrainingPathBitForBit()
    {
        var network = new WideMaskedTokenLstm();
        AssertInferenceEqualsTraining(network, Tokens(seed: 2));
    }

    [Fact]
    public void WideStackedLstm_Forward_MatchesDoublePrecisionReference()
    {
        var network = new WideStackedLstm();
        float[] parameters = network.Parameters.ToArray();
        float[] inputs = NetworkTestKit.RandomInputs(WideStackedLstm.BatchSize * WideStackedLstm.InputLength, seed: 3);
        var output = new float[WideStackedLstm.OutputLength];
        double worst = 0;
        for (int s = 0; s < WideStackedLstm.BatchSize; s++)
        {
            ReadOnlySpan<float> sample = inputs.AsSpan(s * WideStackedLstm.InputLength, WideStackedLstm.InputLength);
            network.Forward(sample, output);
            double[] expected = ReferenceLogits(parameters, sample);
            for (int k = 0; k < expected.Length; k++)
            {
                worst = Math.Max(worst, Math.Abs(expected[k] - output[k]));
            }
        }

        Assert.True(worst < 2e-6, $"Forward differs from the double-precision LSTM by {worst}");
    }

    [Fact]
    public void PartitionedCopy_AfterWritesThroughParameters_FollowsTheNewWeights()
    {
        var network = new WideMaskedTokenLstm();
        int[] tokens = Tokens(seed: 4);
        float[] before = Predict(network, tokens);

        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = parameters[i] * 1.5f - 0.01f;
        }

        float[] after = AssertInferenceEqualsTraining(network, tokens);
        Assert.True(NetworkTestKit.MaxDifference(before, after) > 1e-3f, "the change to the weights did not reach the outputs");
    }

    [Fact]
    public void PartitionedCopy_AfterTrainingSteps_FollowsTheNewWeights()
    {
        var network = new WideStackedLstm();
        float[] inputs = NetworkTestKit.RandomInputs(WideStackedLstm.BatchSize * WideStackedLstm.InputLength, seed: 5);
        int[] labels = NetworkTestKit.RandomLabels(WideStackedLstm.BatchSize, WideStackedLstm.OutputLength, seed: 6);
        float[] before = Predict(network, inputs);
        for (int step = 0; step < 3; step++)
        {
            network.TrainBatch(inputs, labels);
        }

        float[] after = AssertInferenceEqualsTraining(network, inputs);
        Assert.True(NetworkTestKit.MaxDifference(before, after) > 1e-4f, "training did not change the outputs");
    }

    [Fact]
    public void PartitionedCopy_AfterLoad_FollowsTheLoadedWeights()
    {
        var trained = new WideMaskedTokenLstm(seed: 7);
        int[] tokens = Tokens(seed: 8);
        trained.TrainBatch(tokens, NetworkTestKit.RandomLabels(WideMaskedTokenLstm.BatchSize, WideMaskedTokenLstm.OutputLength, seed: 9));
        var saved = new MemoryStream();
        trained.Save(saved);

        var network = new WideMaskedTokenLstm(seed: 10);
        Predict(network, tokens);
        saved.Position = 0;
        network.Load(saved);

        Assert.Equal(Predict(trained, tokens), AssertInferenceEqualsTraining(network, tokens));
    }

    [Fact]
    public void PartitionedCopy_InferenceCopy_SeesTheSourceTrain()
    {
        var network = new WideMaskedTokenLstm(seed: 11);
        WideMaskedTokenLstm copy = network.CreateInferenceCopy();
        int[] tokens = Tokens(seed: 12);
        float[] before = Forward(copy, tokens);

        network.TrainBatch(tokens, NetworkTestKit.RandomLabels(WideMaskedTokenLstm.BatchSize, WideMaskedTokenLstm.OutputLength, seed: 13));

        float[] expected = AssertInferenceEqualsTraining(network, tokens);
        Assert.Equal(expected, Forward(copy, tokens));
        Assert.NotEqual(before, expected);
    }

    /// <summary>
    /// The tests above would also pass if the copy were never read. This one spoils the copy behind the network's
    /// back (through its private field) and checks that Forward's output moves, then that a write through
    /// Parameters rebuilds it.
    /// </summary>
    [Fact]
    public void OnAvx512_ForwardReadsTheCopy_AndAParameterWriteRebuildsIt()
    {
        var network = new WideMaskedTokenLstm();
        var copy = (AlignedBuffer)typeof(WideMaskedTokenLstm)
            .GetField("_layer2RecurrentRows", BindingFlags.Instance | BindingFlags.NonPublic)!
            .GetValue(network)!;
        if (!Vector512.IsHardwareAccelerated)
        {
            Assert.Equal(0, copy.Length);
            return;
        }

        Assert.True(copy.IsAligned);
        Assert.Equal(4096, copy.AlignmentBytes);
        int[] tokens = Tokens(seed: 14).AsSpan(0, WideMaskedTokenLstm.InputLength).ToArray();
        var correct = new float[WideMaskedTokenLstm.OutputLength];
        network.Forward(tokens, correct);

        Span<float> rows = copy.Span;
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = rows[i] * 4f + 0.5f;
        }

        var spoiled = new float[WideMaskedTokenLstm.OutputLength];
        network.Forward(tokens, spoiled);
        Assert.True(NetworkTestKit.MaxDifference(correct, spoiled) > 1e-3f, "Forward did not read the partitioned copy");

        network.Parameters[0] += 0f;
        var rebuilt = new float[WideMaskedTokenLstm.OutputLength];
        network.Forward(tokens, rebuilt);
        Assert.Equal(correct, rebuilt);
    }

    [Fact]
    public void WideLstms_HotPaths_AllocateNothing()
    {
        var tokenNetwork = new WideMaskedTokenLstm();
        int[] tokens = Tokens(seed: 15);
        int[] tokenLabels = NetworkTestKit.RandomLabels(WideMaskedTokenLstm.BatchSize, WideMaskedTokenLstm.OutputLength, seed: 16);
        var tokenOutputs = new float[WideMaskedTokenLstm.BatchSize * WideMaskedTokenLstm.OutputLength];
        var floatNetwork = new WideStackedLstm();
        float[] inputs = NetworkTestKit.RandomInputs(WideStackedLstm.BatchSize * WideStackedLstm.InputLength, seed: 17);
        int[] labels = NetworkTestKit.RandomLabels(WideStackedLstm.BatchSize, WideStackedLstm.OutputLength, seed: 18);
        var outputs = new float[WideStackedLstm.BatchSize * WideStackedLstm.OutputLength];
        void RunAll()
        {
            tokenNetwork.Forward(tokens.AsSpan(0, WideMaskedTokenLstm.InputLength), tokenOutputs.AsSpan(0, WideMaskedTokenLstm.OutputLength));
            tokenNetwork.Predict(tokens, tokenOutputs);
            tokenNetwork.TrainBatch(tokens, tokenLabels);
            floatNetwork.Forward(inputs.AsSpan(0, WideStackedLstm.InputLength), outputs.AsSpan(0, WideStackedLstm.OutputLength));
            floatNetwork.Predict(inputs, outputs);
            floatNetwork.TrainBatch(inputs, labels);
        }

        for (int i = 0; i < 3; i++)
        {
            RunAll();
        }

        // Every training step changes U, so each Forward after it rebuilds the copy: that must not allocate either.
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Predict and Forward of every sample must equal ComputeLoss's outputs exactly; returns Predict's.</summary>
    private static float[] AssertInferenceEqualsTraining<TInput>(INetwork<TInput> network, TInput[] inputs)
        where TInput : unmanaged
    {
        float[] predicted = NetworkTestKit.AssertInferenceMatchesTraining(network, inputs);
        int count = inputs.Length / network.InputLength;
        network.ComputeLoss(inputs, new int[count]);
        float[] direct = network.Outputs.ToArray();
        Assert.Equal(direct, predicted);
        var one = new float[network.OutputLength];
        for (int s = 0; s < count; s++)
        {
            network.Forward(inputs.AsSpan(s * network.InputLength, network.InputLength), one);
            Assert.Equal(direct.AsSpan(s * network.OutputLength, network.OutputLength).ToArray(), one);
        }

        return predicted;
    }

    /// <summary>WideStackedLstm in double precision from its parameters, in Keras' layout and gate order (i, f, c, o).</summary>
    private static double[] ReferenceLogits(float[] p, ReadOnlySpan<float> sample)
    {
        int offset = 0;
        double[] x = new double[sample.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = sample[i];
        }

        double[] first = Lstm(p, ref offset, x, steps: 12, features: 5, units: 64);
        double[] second = Lstm(p, ref offset, first, steps: 12, features: 64, units: 48);
        double[] last = second.AsSpan(11 * 48, 48).ToArray();
        var logits = new double[4];
        for (int k = 0; k < 4; k++)
        {
            double z = p[offset + 48 * 4 + k];
            for (int j = 0; j < 48; j++)
            {
                z += last[j] * p[offset + j * 4 + k];
            }

            logits[k] = z;
        }

        return logits;
    }

    private static double[] Lstm(float[] p, ref int offset, double[] x, int steps, int features, int units)
    {
        int g4 = 4 * units, kernel = offset, recurrent = kernel + features * g4, bias = recurrent + units * g4;
        offset = bias + g4;
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        var h = new double[units];
        var c = new double[units];
        var sequence = new double[steps * units];
        var z = new double[g4];
        for (int t = 0; t < steps; t++)
        {
            for (int j = 0; j < g4; j++)
            {
                double sum = p[bias + j];
                for (int f = 0; f < features; f++)
                {
                    sum += x[t * features + f] * p[kernel + f * g4 + j];
                }

                for (int r = 0; r < units; r++)
                {
                    sum += h[r] * p[recurrent + r * g4 + j];
                }

                z[j] = sum;
            }

            for (int j = 0; j < units; j++)
            {
                double i = Sigmoid(z[j]), f = Sigmoid(z[units + j]), g = Math.Tanh(z[2 * units + j]), o = Sigmoid(z[3 * units + j]);
                c[j] = f * c[j] + i * g;
                h[j] = o * Math.Tanh(c[j]);
                sequence[t * units + j] = h[j];
            }
        }

        return sequence;
    }

    /// <summary>Token ids with zero padding at the start of some sequences, as left-padded text would have.</summary>
    private static int[] Tokens(int seed)
    {
        int[] tokens = NetworkTestKit.RandomLabels(WideMaskedTokenLstm.BatchSize * WideMaskedTokenLstm.InputLength, 40, seed);
        for (int s = 0; s < WideMaskedTokenLstm.BatchSize; s++)
        {
            for (int t = 0; t < s; t++)
            {
                tokens[s * WideMaskedTokenLstm.InputLength + t] = 0;
            }
        }

        return tokens;
    }

    private static float[] Predict<TInput>(INetwork<TInput> network, TInput[] inputs)
        where TInput : unmanaged
    {
        var outputs = new float[inputs.Length / network.InputLength * network.OutputLength];
        network.Predict(inputs, outputs);
        return outputs;
    }

    private static float[] Forward(WideMaskedTokenLstm network, int[] tokens)
    {
        int count = tokens.Length / WideMaskedTokenLstm.InputLength;
        var outputs = new float[count * WideMaskedTokenLstm.OutputLength];
        for (int s = 0; s < count; s++)
        {
            network.Forward(tokens.AsSpan(s * WideMaskedTokenLstm.InputLength, WideMaskedTokenLstm.InputLength),
                outputs.AsSpan(s * WideMaskedTokenLstm.OutputLength, WideMaskedTokenLstm.OutputLength));
        }

        return outputs;
    }
}
