using System;
using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The seed CNN's hot paths on one thread: one sample, a batch of 256 for inference, one training step of 32.
/// Inputs are random pixels in [0, 1); the time does not depend on their values.
/// </summary>
[MemoryDiagnoser]
public class CnnBenchmarks
{
    private const int PredictSamples = 256;
    private readonly BenchmarkCnn _network = new();
    private float[] _inputs = Array.Empty<float>();
    private int[] _labels = Array.Empty<int>();
    private float[] _outputs = Array.Empty<float>();

    [GlobalSetup]
    public void Setup()
    {
        var random = new NetworkRandom(1);
        _inputs = new float[PredictSamples * BenchmarkCnn.InputLength];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = random.NextSingle();
        }

        _labels = new int[BenchmarkCnn.BatchSize];
        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = random.NextInt32(BenchmarkCnn.OutputLength);
        }

        _outputs = new float[PredictSamples * BenchmarkCnn.OutputLength];
    }

    [Benchmark]
    public void Forward() =>
        _network.Forward(_inputs.AsSpan(0, BenchmarkCnn.InputLength), _outputs.AsSpan(0, BenchmarkCnn.OutputLength));

    [Benchmark]
    public void Predict256() => _network.Predict(_inputs, _outputs);

    [Benchmark]
    public float TrainBatch32() =>
        _network.TrainBatch(_inputs.AsSpan(0, BenchmarkCnn.BatchSize * BenchmarkCnn.InputLength), _labels);
}
