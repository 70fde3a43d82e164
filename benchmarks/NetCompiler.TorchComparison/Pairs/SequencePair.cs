using System;
using NetCompiler.Benchmarks;
using static TorchSharp.torch;

namespace NetCompiler.TorchComparison;

/// <summary>
/// The text LSTM in both libraries with the same weights, and the same token sequences for both (int for
/// NetCompiler, int64 tensors for TorchSharp, converted once here).
/// </summary>
internal sealed class SequencePair : IDisposable
{
    /// <summary>Sequences in the inference batch.</summary>
    public const int Samples = 256;

    public SequencePair(BenchmarkTextClassifier network, int seed)
    {
        Network = network;
        TorchModel = new TorchTextClassifier();
        TorchModels.Load(TorchModel, TorchModels.TextClassifierTensors(network.Parameters));

        // Token ids uniform over the vocabulary (no padding): every step runs, the worst case for the recurrence.
        var random = new NetworkRandom(seed);
        Tokens = new int[Samples * BenchmarkTextClassifier.InputLength];
        for (int i = 0; i < Tokens.Length; i++)
        {
            Tokens[i] = random.NextInt32(TorchTextClassifier.Vocabulary);
        }

        Labels = new int[BenchmarkTextClassifier.BatchSize];
        for (int i = 0; i < Labels.Length; i++)
        {
            Labels[i] = random.NextInt32(BenchmarkTextClassifier.OutputLength);
        }

        long[] shape = { Samples, BenchmarkTextClassifier.InputLength };
        TorchTokens = tensor(Array.ConvertAll(Tokens, token => (long)token), shape);
        TorchSample = TorchTokens[..1].contiguous();
        TorchBatch = TorchTokens[..BenchmarkTextClassifier.BatchSize].contiguous();
        TorchLabels = tensor(Array.ConvertAll(Labels, label => (long)label));
    }

    public BenchmarkTextClassifier Network { get; }

    public TorchTextClassifier TorchModel { get; }

    /// <summary><see cref="Samples"/> sequences of 100 token ids.</summary>
    public int[] Tokens { get; }

    /// <summary>One label for each sequence of a training batch.</summary>
    public int[] Labels { get; }

    /// <summary>(Samples, 100) int64.</summary>
    public Tensor TorchTokens { get; }

    /// <summary>(1, 100): the first sequence.</summary>
    public Tensor TorchSample { get; }

    /// <summary>(BatchSize, 100): the first BatchSize sequences.</summary>
    public Tensor TorchBatch { get; }

    /// <summary>(BatchSize) int64.</summary>
    public Tensor TorchLabels { get; }

    /// <summary>The largest difference between the two libraries' probabilities over all <see cref="Samples"/> sequences.</summary>
    public float CompareOutputs()
    {
        var ours = new float[Samples * BenchmarkTextClassifier.OutputLength];
        Network.Predict(Tokens, ours);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        float[] theirs = nn.functional.softmax(TorchModel.forward(TorchTokens), 1).data<float>().ToArray();
        return Agreement.MaxAbsDifference(ours, theirs);
    }

    /// <summary>As <see cref="ImagePair.CompareGradients"/>: loss difference, largest gradient difference, largest gradient.</summary>
    public (float Loss, float Gradient, float Magnitude) CompareGradients()
    {
        const int BatchTokens = BenchmarkTextClassifier.BatchSize * BenchmarkTextClassifier.InputLength;
        float loss = Network.ComputeGradients(Tokens.AsSpan(0, BatchTokens), Labels);
        using var scope = NewDisposeScope();
        TorchModel.zero_grad();
        Tensor torchLoss = nn.functional.cross_entropy(TorchModel.forward(TorchBatch), TorchLabels);
        torchLoss.backward();
        var expected = TorchModels.TextClassifierTensors(Network.Gradients, gradients: true);
        var (gradient, magnitude) = TorchModels.CompareGradients(TorchModel, expected);
        return (Math.Abs(loss - torchLoss.item<float>()), gradient, magnitude);
    }

    public void Dispose()
    {
        TorchLabels.Dispose();
        TorchBatch.Dispose();
        TorchSample.Dispose();
        TorchTokens.Dispose();
        TorchModel.Dispose();
    }
}
