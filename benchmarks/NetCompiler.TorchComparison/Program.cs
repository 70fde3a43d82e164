using System;
using System.Globalization;
using BenchmarkDotNet.Running;
using NetCompiler.Benchmarks;

namespace NetCompiler.TorchComparison;

/// <summary>
/// Entry point. With <c>--check</c> it only compares NetCompiler's outputs and gradients with TorchSharp's, and its
/// outputs with ONNX Runtime's, on the benchmark networks, and prints the differences; otherwise it hands the
/// arguments to BenchmarkDotNet's switcher (<c>--filter</c>, <c>--job</c> and so on).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "--check")
        {
            return Check();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ComparisonConfig.Create());
        return 0;
    }

    // Same weights in, same outputs out: a test of the layout conversion. Gradients are compared as well (before any
    // optimizer step), which shows the training steps being timed compute the same thing.
    private static int Check()
    {
        TorchSharp.torch.set_num_threads(1);
        bool agree = true;
        var cnnNetwork = new BenchmarkCnn();
        using (var cnn = new ImagePair(cnnNetwork, TorchModels.Cnn(), TorchModels.CnnTensors, 28, 28, 1, seed: 1))
        {
            agree &= Report(nameof(BenchmarkCnn), cnn.CompareOutputs(), cnn.CompareGradients());
            agree &= ReportOrt(nameof(BenchmarkCnn), threads =>
                new OrtModel<float>(cnnNetwork, cnnNetwork.ExportOnnx, OrtSampleShapes.Cnn, cnn.Inputs, threads));
        }

        using (var first = new ImagePair(new FirstConvProbe(), TorchModels.ConvProbe(28, 28, 1, 32),
            keras => TorchModels.ConvProbeTensors(keras, 28, 28, 1, 32), 28, 28, 1, seed: 3))
        {
            agree &= Report(nameof(FirstConvProbe), first.CompareOutputs(), first.CompareGradients());
        }

        using (var second = new ImagePair(new SecondConvProbe(), TorchModels.ConvProbe(13, 13, 32, 64),
            keras => TorchModels.ConvProbeTensors(keras, 13, 13, 32, 64), 13, 13, 32, seed: 4))
        {
            agree &= Report(nameof(SecondConvProbe), second.CompareOutputs(), second.CompareGradients());
        }

        using (var lstm = new SequencePair(new BenchmarkTextClassifier(), seed: 2))
        {
            agree &= Report(nameof(BenchmarkTextClassifier), lstm.CompareOutputs(), lstm.CompareGradients());
            agree &= ReportOrt(nameof(BenchmarkTextClassifier), threads =>
                new OrtModel<int>(lstm.Network, lstm.Network.ExportOnnx, OrtSampleShapes.Lstm, lstm.Tokens, threads));
        }

        if (!agree)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"error: NetCompiler differs from TorchSharp by {Agreement.Tolerance:G3} or more, or from ONNX Runtime " +
                $"by {Agreement.OrtTolerance:G3} or more (NOT OK lines above)."));
            Console.Error.WriteLine(
                "HINT: for TorchSharp, the Keras-to-PyTorch conversion in Torch/KerasLayout.cs or Torch/TorchModels.cs " +
                "no longer matches the network; for ONNX Runtime, the export (src/Onnx) or Ort/OrtModel.cs.");
        }

        return agree ? 0 : 1;
    }

    // ORT at each thread count the benchmarks use, through the same one-sample and 256-sample OrtValues they time.
    // NetCompiler's Predict is bit-identical at any degree of parallelism, so only ORT's side can change with it.
    private static bool ReportOrt(string network, Func<int, IOrtModel> open)
    {
        bool agree = true;
        foreach (int threads in ComparisonConfig.ThreadCounts)
        {
            using IOrtModel model = open(threads);
            var (batch, sample) = model.CompareOutputs();
            bool ok = batch < Agreement.OrtTolerance && sample < Agreement.OrtTolerance;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(ok ? "OK    " : "NOT OK")} {network,-24} ONNX Runtime, {threads} thread{(threads == 1 ? "" : "s")}: " +
                $"outputs (256 samples) max |diff| {batch:0.00E+00}, one sample max |diff| {sample:0.00E+00}"));
            agree &= ok;
        }

        return agree;
    }

    private static bool Report(string network, float outputs, (float Loss, float Gradient, float Magnitude) gradients)
    {
        bool ok = outputs < Agreement.Tolerance && gradients.Gradient < Agreement.Tolerance;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(ok ? "OK    " : "NOT OK")} {network,-24} outputs (256 samples) max |diff| {outputs:0.00E+00}; " +
            $"batch of 32: loss |diff| {gradients.Loss:0.00E+00}, gradients max |diff| {gradients.Gradient:0.00E+00} " +
            $"(largest |gradient| {gradients.Magnitude:0.00E+00})"));
        return ok;
    }
}
