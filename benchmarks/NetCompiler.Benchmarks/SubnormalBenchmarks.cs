using System;
using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>
/// Does speed collapse when values are subnormal (below 1.18e-38, as after long training with weight decay)? Many
/// CPUs handle subnormal operands or results in a slow microcode path. The seed CNN runs TrainBatch (32 samples) and
/// Predict (32 samples) with its usual weights and inputs in [0, 1) (Normal); with both scaled by 1e-38 into the
/// subnormal range, about 1e-39, where products underflow to zero (Subnormal); and with only the weights scaled, so
/// that products and sums are subnormal too (SubnormalWeights). Compare the rows of each method with Normal.
/// </summary>
/// <remarks>
/// An Adam step moves subnormal weights back into the normal range at once, so every TrainBatch call first restores
/// the scaled weights; both cases do the same copy, which costs microseconds next to the milliseconds of a step.
/// </remarks>
[MemoryDiagnoser]
public class SubnormalBenchmarks
{
    private const int Samples = BenchmarkCnn.BatchSize;
    private const float SubnormalScale = 1e-38f;
    private readonly BenchmarkCnn _network = new();
    private float[] _weights = Array.Empty<float>();
    private float[] _inputs = Array.Empty<float>();
    private int[] _labels = Array.Empty<int>();
    private float[] _outputs = Array.Empty<float>();

    /// <summary>Which values are scaled into the subnormal range: none, weights and inputs, or weights only.</summary>
    [Params("Normal", "Subnormal", "SubnormalWeights")]
    public string Range { get; set; } = "Normal";

    [GlobalSetup]
    public void Setup()
    {
        float scale = Range == "Normal" ? 1f : SubnormalScale;
        float inputScale = Range == "Subnormal" ? SubnormalScale : 1f;
        var random = new NetworkRandom(1);
        _inputs = new float[Samples * BenchmarkCnn.InputLength];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = random.NextSingle() * inputScale;
        }

        _labels = new int[Samples];
        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = random.NextInt32(BenchmarkCnn.OutputLength);
        }

        _weights = _network.Parameters.ToArray();
        for (int i = 0; i < _weights.Length; i++)
        {
            _weights[i] *= scale;
        }

        _outputs = new float[Samples * BenchmarkCnn.OutputLength];
        _weights.CopyTo(_network.Parameters);
        if (Range != "Normal")
        {
            // Prove the case measures what it says: most nonzero weights and inputs are subnormal.
            Console.WriteLine(
                $"// subnormal weights: {SubnormalShare(_weights):P0}, inputs: {SubnormalShare(_inputs):P0}");
        }
    }

    [Benchmark]
    public float TrainBatch32()
    {
        _weights.CopyTo(_network.Parameters);
        return _network.TrainBatch(_inputs, _labels);
    }

    [Benchmark]
    public void Predict32() => _network.Predict(_inputs, _outputs);

    private static double SubnormalShare(float[] values)
    {
        int subnormal = 0, nonzero = 0;
        foreach (float v in values)
        {
            nonzero += v != 0 ? 1 : 0;
            subnormal += float.IsSubnormal(v) ? 1 : 0;
        }

        return nonzero == 0 ? 0 : (double)subnormal / nonzero;
    }
}
