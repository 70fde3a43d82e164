using System;
using System.Linq;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Generated;

/// <summary>Embedding and LSTM: gradients through time, hand-computed values, masking and Keras' initialisation.</summary>
public sealed class LstmTests
{
    [Fact]
    public void TokenLstm_EmbeddingAndLstm_GradientsMatchFiniteDifferences()
    {
        var network = new TokenLstm();
        int[] tokens = NetworkTestKit.RandomLabels(3 * TokenLstm.InputLength, 11, seed: 31);
        int[] labels = NetworkTestKit.RandomLabels(3, TokenLstm.OutputLength, seed: 32);
        int[] indices = NetworkTestKit.Indices(TokenLstm.ParameterCount, 4000, seed: 33);

        Assert.Null(NetworkTestKit.CheckGradients(network, tokens, labels, indices, absoluteTolerance: 1e-4f, relativeTolerance: 1e-2f));
    }

    /// <summary>
    /// Training projects each distinct token once (TokenGroups): a batch of one repeated token makes a single group,
    /// padded with zero rows to a whole sequence, whose gradient sums every position's.
    /// </summary>
    [Fact]
    public void TokenLstm_OneTokenRepeatedEverywhere_GradientsMatchFiniteDifferences()
    {
        var network = new TokenLstm();
        int[] tokens = Enumerable.Repeat(7, 3 * TokenLstm.InputLength).ToArray();
        int[] labels = { 2, 0, 1 };
        int[] indices = NetworkTestKit.Indices(TokenLstm.ParameterCount, 4000, seed: 35);

        Assert.Null(NetworkTestKit.CheckGradients(network, tokens, labels, indices, absoluteTolerance: 1e-4f, relativeTolerance: 1e-2f));
    }

    /// <summary>Groups of a 64-unit LSTM over masked sequences, several sequences' worth of groups per range.</summary>
    [Fact]
    public void WideMaskedTokenLstm_GroupedProjection_GradientsMatchFiniteDifferences()
    {
        var network = new WideMaskedTokenLstm();
        int[] tokens = NetworkTestKit.RandomLabels(WideMaskedTokenLstm.BatchSize * WideMaskedTokenLstm.InputLength, 40, seed: 36);
        tokens[0] = tokens[1] = 0;
        int[] labels = NetworkTestKit.RandomLabels(WideMaskedTokenLstm.BatchSize, WideMaskedTokenLstm.OutputLength, seed: 37);
        int[] indices = NetworkTestKit.Indices(WideMaskedTokenLstm.ParameterCount, 600, seed: 38);

        Assert.Null(NetworkTestKit.CheckGradients(network, tokens, labels, indices, absoluteTolerance: 1e-4f, relativeTolerance: 1e-2f));
    }

    [Fact]
    public void MaskedStackedLstm_PaddedSequences_GradientsMatchFiniteDifferences()
    {
        var network = new MaskedStackedLstm();
        // Left padding as Keras' pad_sequences makes, plus a padded step in the middle.
        int[] tokens = { 0, 0, 3, 5, 0, 2, 0, 8, 7, 1, 4, 6 };
        int[] labels = { 1, 3, 0 };
        int[] indices = NetworkTestKit.Indices(MaskedStackedLstm.ParameterCount, 4000, seed: 34);

        Assert.Null(NetworkTestKit.CheckGradients(network, tokens, labels, indices, absoluteTolerance: 1e-4f, relativeTolerance: 1e-2f));
    }

    [Fact]
    public void SensorLstm_FloatSequencesReturnSequencesDensePerStep_GradientsMatchFiniteDifferences()
    {
        var network = new SensorLstm();
        float[] inputs = NetworkTestKit.RandomInputs(2 * SensorLstm.InputLength, seed: 35);
        int[] labels = { 2, 0 };
        int[] indices = NetworkTestKit.Indices(SensorLstm.ParameterCount, 4000, seed: 36);

        Assert.Null(NetworkTestKit.CheckGradients(network, inputs, labels, indices, absoluteTolerance: 1e-4f, relativeTolerance: 1e-2f));
    }

    [Fact]
    public void MaskZero_PaddingAnywhere_CarriesStateLikeKeras()
    {
        // With masking, padded steps carry the state unchanged, so where the padding sits does not matter.
        var network = new MaskedStackedLstm();
        float[] a = Forward(network, new[] { 0, 0, 3, 5 });
        float[] b = Forward(network, new[] { 0, 3, 0, 5 });
        float[] c = Forward(network, new[] { 3, 0, 0, 5 });
        float[] unpadded = Forward(network, new[] { 3, 5, 5, 5 });
        for (int k = 0; k < a.Length; k++)
        {
            Assert.Equal(a[k], b[k], 6);
            Assert.Equal(a[k], c[k], 6);
        }

        Assert.NotEqual(a[0], unpadded[0]);
    }

    [Fact]
    public void TinyLstm_KnownWeights_MatchHandComputedValues()
    {
        var network = new TinyLstm();
        // kernel [1, 4] (i, f, c, o), recurrent kernel [1, 4], bias [4], then Dense kernel [1, 2] and bias [2].
        float[] p = { 0.5f, -0.25f, 0.75f, 1.0f, 0.1f, 0.2f, -0.3f, 0.4f, 0.05f, 1.0f, -0.1f, 0.2f, 2.0f, -1.0f, 0.3f, -0.3f };
        p.CopyTo(network.Parameters);
        float[] x = { 1.0f, -2.0f };

        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        double h = 0, c = 0;
        foreach (double xt in new double[] { 1.0, -2.0 })
        {
            double i = Sigmoid(0.5 * xt + 0.1 * h + 0.05);
            double f = Sigmoid(-0.25 * xt + 0.2 * h + 1.0);
            double g = Math.Tanh(0.75 * xt - 0.3 * h - 0.1);
            double o = Sigmoid(1.0 * xt + 0.4 * h + 0.2);
            c = f * c + i * g;
            h = o * Math.Tanh(c);
        }

        double z0 = 2.0 * h + 0.3, z1 = -1.0 * h - 0.3;
        double p0 = Math.Exp(z0) / (Math.Exp(z0) + Math.Exp(z1));
        var output = new float[2];
        network.Forward(x, output);
        Assert.Equal(p0, output[0], 6);
        Assert.Equal(1 - p0, output[1], 6);

        int[] indices = NetworkTestKit.Indices(TinyLstm.ParameterCount, 100, seed: 1);
        Assert.Null(NetworkTestKit.CheckGradients(network, x, new[] { 1 }, indices));
    }

    [Fact]
    public void Lstm_Initialisation_FollowsKeras()
    {
        var network = new TokenLstm(seed: 3);
        ReadOnlySpan<float> p = network.Parameters;

        // embeddings [11, 4] in [-0.05, 0.05].
        for (int i = 0; i < 44; i++)
        {
            Assert.InRange(p[i], -0.05f, 0.05f);
        }

        // kernel [4, 24] glorot: limit sqrt(6 / (4 + 24)).
        float limit = MathF.Sqrt(6f / 28);
        for (int i = 44; i < 44 + 96; i++)
        {
            Assert.InRange(p[i], -limit, limit);
        }

        // recurrent kernel [6, 24] orthogonal: its rows are orthonormal.
        int recurrent = 44 + 96;
        for (int a = 0; a < 6; a++)
        {
            for (int b = 0; b < 6; b++)
            {
                double dot = 0;
                for (int k = 0; k < 24; k++)
                {
                    dot += p[recurrent + a * 24 + k] * p[recurrent + b * 24 + k];
                }

                Assert.Equal(a == b ? 1.0 : 0.0, dot, 5);
            }
        }

        // bias [24]: zeros but ones for the forget gate (units 6 to 11).
        int bias = recurrent + 144;
        for (int k = 0; k < 24; k++)
        {
            Assert.Equal(k is >= 6 and < 12 ? 1f : 0f, p[bias + k]);
        }
    }

    [Fact]
    public void TokenIdOutsideVocabulary_ThrowsNamingSamplePositionAndValue()
    {
        var network = new TokenLstm();
        int[] tokens = { 1, 2, 3, 4, 5, 6, 7, 11, 9, 10 };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => network.Predict(tokens, new float[6]));
        Assert.Contains("Sample 1, position 2", ex.Message);
        Assert.Contains("11", ex.Message);
    }

    [Fact]
    public void TokenLstm_HotPaths_AllocateNothing()
    {
        var network = new MaskedStackedLstm();
        int[] tokens = { 0, 0, 3, 5, 0, 2, 0, 8, 7, 1, 4, 6 };
        int[] labels = { 1, 3, 0 };
        var outputs = new float[12];
        for (int i = 0; i < 3; i++)
        {
            network.Predict(tokens, outputs);
            network.TrainBatch(tokens, labels);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        network.Forward(tokens.AsSpan(0, 4), outputs.AsSpan(0, 4));
        network.Predict(tokens, outputs);
        network.ComputeGradients(tokens, labels);
        network.TrainBatch(tokens, labels);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static float[] Forward(MaskedStackedLstm network, int[] tokens)
    {
        var output = new float[MaskedStackedLstm.OutputLength];
        network.Forward(tokens, output);
        return output;
    }
}
