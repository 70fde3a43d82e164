using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using NetCompiler.Benchmarks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetCompiler.TorchComparison;

/// <summary>
/// The seed CNN in NetCompiler and in TorchSharp, with the same weights and inputs: one sample, a batch of 256 for
/// inference, one training step of 32 (forward, loss, backward, Adam). The two inference cases also run in ONNX
/// Runtime, on the model NetCompiler exports. Each category's Ratio is against TorchSharp, and the "vs ORT" column
/// against ONNX Runtime.
/// </summary>
/// <remarks>
/// <c>Threads</c> sets libtorch's intra-op threads (torch.set_num_threads), ORT's IntraOpNumThreads and
/// NetCompiler's <c>DegreeOfParallelism</c>. Forward of one sample runs on one thread in NetCompiler whatever it is.
/// </remarks>
public class CnnComparison
{
    private BenchmarkCnn _network = null!;
    private ImagePair _pair = null!;
    private Sequential _torch = null!;
    private Adam _optimizer = null!;
    private OrtModel<float> _ort = null!;
    private float[] _outputs = Array.Empty<float>();

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<int> ThreadCounts => ComparisonConfig.ThreadCounts;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        _network = new BenchmarkCnn { DegreeOfParallelism = Threads };
        _pair = new ImagePair(_network, TorchModels.Cnn(), TorchModels.CnnTensors, 28, 28, 1, seed: 1);
        _torch = _pair.TorchModel;
        Agreement.RequireOutputs(nameof(BenchmarkCnn), _pair.CompareOutputs());

        // Exported before any training step, so ORT holds the weights the other two start from.
        _ort = new OrtModel<float>(_network, _network.ExportOnnx, OrtSampleShapes.Cnn, _pair.Inputs, Threads);
        Agreement.RequireOrtOutputs(nameof(BenchmarkCnn), _ort.CompareOutputs());

        // Keras' Adam defaults, which BenchmarkCnn declares: learning rate 0.001, betas 0.9 and 0.999, epsilon 1e-7.
        _optimizer = optim.Adam(_torch.parameters(), lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        _outputs = new float[ImagePair.Samples * BenchmarkCnn.OutputLength];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ort.Dispose();
        _optimizer.Dispose();
        _pair.Dispose();
    }

    [Benchmark, BenchmarkCategory("CNN Forward 1")]
    [Flops(FlopCounts.Cnn)]
    public void NetCompilerForward() =>
        _network.Forward(_pair.Inputs.AsSpan(0, BenchmarkCnn.InputLength), _outputs.AsSpan(0, BenchmarkCnn.OutputLength));

    [Benchmark(Baseline = true), BenchmarkCategory("CNN Forward 1")]
    [Flops(FlopCounts.Cnn)]
    public void TorchForward() => TorchInfer(_pair.TorchSample);

    [Benchmark, BenchmarkCategory("CNN Forward 1")]
    [Flops(FlopCounts.Cnn), OrtReference]
    public void OrtForward() => _ort.Forward();

    [Benchmark, BenchmarkCategory("CNN Predict 256")]
    [Flops(FlopCounts.Cnn * ImagePair.Samples)]
    public void NetCompilerPredict256() => _network.Predict(_pair.Inputs, _outputs);

    [Benchmark(Baseline = true), BenchmarkCategory("CNN Predict 256")]
    [Flops(FlopCounts.Cnn * ImagePair.Samples)]
    public void TorchPredict256() => TorchInfer(_pair.TorchInputs);

    [Benchmark, BenchmarkCategory("CNN Predict 256")]
    [Flops(FlopCounts.Cnn * ImagePair.Samples), OrtReference]
    public void OrtPredict256() => _ort.Predict();

    [Benchmark, BenchmarkCategory("CNN TrainBatch 32")]
    public float NetCompilerTrainBatch32() =>
        _network.TrainBatch(_pair.Inputs.AsSpan(0, BenchmarkCnn.BatchSize * BenchmarkCnn.InputLength), _pair.Labels);

    [Benchmark(Baseline = true), BenchmarkCategory("CNN TrainBatch 32")]
    public float TorchTrainBatch32()
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_torch.forward(_pair.TorchBatch), _pair.TorchLabels);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    // What a TorchSharp user writes for inference: no autograd, softmax on the logits, probabilities copied out.
    private void TorchInfer(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        using var probabilities = nn.functional.softmax(_torch.forward(inputs), 1).data<float>();
        probabilities.CopyTo(_outputs);
    }
}
