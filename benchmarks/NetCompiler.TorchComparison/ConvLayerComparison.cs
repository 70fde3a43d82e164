using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace NetCompiler.TorchComparison;

/// <summary>
/// Each convolution of the seed CNN on its own (the probes of Networks/ConvProbes.cs), Predict of 256 samples in
/// both libraries, so that the GFLOP/s column shows what each convolution achieves. Only the convolution's FLOPs
/// are counted, while the time includes the probe's small pooling and Dense(2) head: the figures are lower bounds.
/// <c>Threads</c> is as in <see cref="CnnComparison"/>.
/// </summary>
public class ConvLayerComparison
{
    private FirstConvProbe _first = null!;
    private SecondConvProbe _second = null!;
    private ImagePair _firstPair = null!;
    private ImagePair _secondPair = null!;
    private float[] _outputs = Array.Empty<float>();

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<int> ThreadCounts => ComparisonConfig.ThreadCounts;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        _first = new FirstConvProbe { DegreeOfParallelism = Threads };
        _firstPair = new ImagePair(_first, TorchModels.ConvProbe(28, 28, 1, 32),
            keras => TorchModels.ConvProbeTensors(keras, 28, 28, 1, 32), 28, 28, 1, seed: 3);
        Agreement.RequireOutputs(nameof(FirstConvProbe), _firstPair.CompareOutputs());
        _second = new SecondConvProbe { DegreeOfParallelism = Threads };
        _secondPair = new ImagePair(_second, TorchModels.ConvProbe(13, 13, 32, 64),
            keras => TorchModels.ConvProbeTensors(keras, 13, 13, 32, 64), 13, 13, 32, seed: 4);
        Agreement.RequireOutputs(nameof(SecondConvProbe), _secondPair.CompareOutputs());
        _outputs = new float[ImagePair.Samples * 2];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _firstPair.Dispose();
        _secondPair.Dispose();
    }

    [Benchmark, BenchmarkCategory("Conv1 Predict 256")]
    [Flops(FlopCounts.FirstConv * ImagePair.Samples)]
    public void NetCompilerFirstConv() => _first.Predict(_firstPair.Inputs, _outputs);

    [Benchmark(Baseline = true), BenchmarkCategory("Conv1 Predict 256")]
    [Flops(FlopCounts.FirstConv * ImagePair.Samples)]
    public void TorchFirstConv() => TorchInfer(_firstPair);

    [Benchmark, BenchmarkCategory("Conv2 Predict 256")]
    [Flops(FlopCounts.SecondConv * ImagePair.Samples)]
    public void NetCompilerSecondConv() => _second.Predict(_secondPair.Inputs, _outputs);

    [Benchmark(Baseline = true), BenchmarkCategory("Conv2 Predict 256")]
    [Flops(FlopCounts.SecondConv * ImagePair.Samples)]
    public void TorchSecondConv() => TorchInfer(_secondPair);

    private void TorchInfer(ImagePair pair)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        using var probabilities = nn.functional.softmax(pair.TorchModel.forward(pair.TorchInputs), 1).data<float>();
        probabilities.CopyTo(_outputs);
    }
}
