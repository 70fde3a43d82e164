using System;
using BenchmarkDotNet.Attributes;
using NetCompiler.Benchmarks;

namespace NetCompiler.TorchComparison;

/// <summary>
/// Which way of calling ONNX Runtime is fastest, so that the comparisons give ORT its best case: a bound
/// <c>OrtIoBinding</c> or <c>Run</c> with preallocated OrtValues, and a symbolic batch axis (one session for both
/// batch sizes) or one session per batch size with the axis fixed. One thread; the inputs are those of the
/// comparisons. Not a comparison with NetCompiler: libtorch is not loaded here.
/// </summary>
public class OrtCallStyles
{
    private IOrtModel _model = null!;

    [Params("CNN", "LSTM")]
    public string Network { get; set; } = "CNN";

    [Params(OrtCallStyle.Binding, OrtCallStyle.Run)]
    public OrtCallStyle Style { get; set; }

    [Params(false, true)]
    public bool FixBatch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new NetworkRandom(Network == "CNN" ? 1 : 2);
        if (Network == "CNN")
        {
            var network = new BenchmarkCnn { DegreeOfParallelism = 1 };
            var inputs = new float[ImagePair.Samples * BenchmarkCnn.InputLength];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = random.NextSingle();
            }

            _model = new OrtModel<float>(network, network.ExportOnnx, OrtSampleShapes.Cnn, inputs, 1, Style, FixBatch);
        }
        else
        {
            var network = new BenchmarkTextClassifier { DegreeOfParallelism = 1 };
            var tokens = new int[SequencePair.Samples * BenchmarkTextClassifier.InputLength];
            for (int i = 0; i < tokens.Length; i++)
            {
                tokens[i] = random.NextInt32(TorchTextClassifier.Vocabulary);
            }

            _model = new OrtModel<int>(network, network.ExportOnnx, OrtSampleShapes.Lstm, tokens, 1, Style, FixBatch);
        }

        Agreement.RequireOrtOutputs(Network, _model.CompareOutputs());
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark]
    public void OrtForward1() => _model.Forward();

    [Benchmark]
    public void OrtPredict256() => _model.Predict();
}
