using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using NetCompiler.Benchmarks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetCompiler.TorchComparison;

/// <summary>
/// The text LSTM in NetCompiler and in TorchSharp, with the same weights and tokens: one sequence of 100 tokens,
/// 256 sequences for inference, one training step of 32 (forward, loss, backward, per-tensor clipping, Adam). The
/// two inference cases also run in ONNX Runtime, on the model NetCompiler exports. Each category's Ratio is against
/// TorchSharp and "vs ORT" against ONNX Runtime; <c>Threads</c> is as in <see cref="CnnComparison"/>.
/// </summary>
public class LstmComparison
{
    private BenchmarkTextClassifier _network = null!;
    private SequencePair _pair = null!;
    private TorchTextClassifier _torch = null!;
    private Adam _optimizer = null!;
    private OrtModel<int> _ort = null!;
    private Parameter[][] _clipGroups = Array.Empty<Parameter[]>();
    private float[] _outputs = Array.Empty<float>();

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<int> ThreadCounts => ComparisonConfig.ThreadCounts;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        _network = new BenchmarkTextClassifier { DegreeOfParallelism = Threads };
        _pair = new SequencePair(_network, seed: 2);
        _torch = _pair.TorchModel;
        Agreement.RequireOutputs(nameof(BenchmarkTextClassifier), _pair.CompareOutputs());

        // Exported before any training step, so ORT holds the weights the other two start from.
        _ort = new OrtModel<int>(_network, _network.ExportOnnx, OrtSampleShapes.Lstm, _pair.Tokens, Threads);
        Agreement.RequireOrtOutputs(nameof(BenchmarkTextClassifier), _ort.CompareOutputs());

        // Keras' Adam defaults (epsilon 1e-7), as BenchmarkTextClassifier declares. Its ClipNorm = 1 clips each
        // gradient tensor on its own, so each PyTorch parameter is clipped as a group of one.
        _optimizer = optim.Adam(_torch.parameters(), lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        _clipGroups = _torch.parameters().Select(parameter => new[] { parameter }).ToArray();
        _outputs = new float[SequencePair.Samples * BenchmarkTextClassifier.OutputLength];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ort.Dispose();
        _optimizer.Dispose();
        _pair.Dispose();
    }

    [Benchmark, BenchmarkCategory("LSTM Forward 1")]
    [Flops(FlopCounts.Lstm)]
    public void NetCompilerForward() => _network.Forward(
        _pair.Tokens.AsSpan(0, BenchmarkTextClassifier.InputLength), _outputs.AsSpan(0, BenchmarkTextClassifier.OutputLength));

    [Benchmark(Baseline = true), BenchmarkCategory("LSTM Forward 1")]
    [Flops(FlopCounts.Lstm)]
    public void TorchForward() => TorchInfer(_pair.TorchSample);

    [Benchmark, BenchmarkCategory("LSTM Forward 1")]
    [Flops(FlopCounts.Lstm), OrtReference]
    public void OrtForward() => _ort.Forward();

    [Benchmark, BenchmarkCategory("LSTM Predict 256")]
    [Flops(FlopCounts.Lstm * SequencePair.Samples)]
    public void NetCompilerPredict256() => _network.Predict(_pair.Tokens, _outputs);

    [Benchmark(Baseline = true), BenchmarkCategory("LSTM Predict 256")]
    [Flops(FlopCounts.Lstm * SequencePair.Samples)]
    public void TorchPredict256() => TorchInfer(_pair.TorchTokens);

    [Benchmark, BenchmarkCategory("LSTM Predict 256")]
    [Flops(FlopCounts.Lstm * SequencePair.Samples), OrtReference]
    public void OrtPredict256() => _ort.Predict();

    [Benchmark, BenchmarkCategory("LSTM TrainBatch 32")]
    public float NetCompilerTrainBatch32() => _network.TrainBatch(
        _pair.Tokens.AsSpan(0, BenchmarkTextClassifier.BatchSize * BenchmarkTextClassifier.InputLength), _pair.Labels);

    [Benchmark(Baseline = true), BenchmarkCategory("LSTM TrainBatch 32")]
    public float TorchTrainBatch32()
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_torch.forward(_pair.TorchBatch), _pair.TorchLabels);
        loss.backward();
        foreach (Parameter[] group in _clipGroups)
        {
            nn.utils.clip_grad_norm_(group, 1.0);
        }

        _optimizer.step();
        return loss.item<float>();
    }

    private void TorchInfer(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        using var probabilities = nn.functional.softmax(_torch.forward(tokens), 1).data<float>();
        probabilities.CopyTo(_outputs);
    }
}
