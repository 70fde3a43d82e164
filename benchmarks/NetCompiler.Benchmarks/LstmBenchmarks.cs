using System;
using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The text LSTM's hot paths on one thread: one sequence of 100 tokens, 256 sequences for inference, one training
/// step of 32. Token ids are uniform over the vocabulary (no padding), the worst case for the recurrence.
/// </summary>
[MemoryDiagnoser]
public class LstmBenchmarks
{
    private const int PredictSamples = 256;
    private readonly BenchmarkTextClassifier _network = new();
    private int[] _tokens = Array.Empty<int>();
    private int[] _labels = Array.Empty<int>();
    private float[] _outputs = Array.Empty<float>();

    [GlobalSetup]
    public void Setup()
    {
        var random = new NetworkRandom(2);
        _tokens = new int[PredictSamples * BenchmarkTextClassifier.InputLength];
        for (int i = 0; i < _tokens.Length; i++)
        {
            _tokens[i] = random.NextInt32(10000);
        }

        _labels = new int[BenchmarkTextClassifier.BatchSize];
        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = random.NextInt32(BenchmarkTextClassifier.OutputLength);
        }

        _outputs = new float[PredictSamples * BenchmarkTextClassifier.OutputLength];
    }

    [Benchmark]
    public void Forward() => _network.Forward(
        _tokens.AsSpan(0, BenchmarkTextClassifier.InputLength), _outputs.AsSpan(0, BenchmarkTextClassifier.OutputLength));

    [Benchmark]
    public void Predict256() => _network.Predict(_tokens, _outputs);

    [Benchmark]
    public float TrainBatch32() => _network.TrainBatch(
        _tokens.AsSpan(0, BenchmarkTextClassifier.BatchSize * BenchmarkTextClassifier.InputLength), _labels);
}
