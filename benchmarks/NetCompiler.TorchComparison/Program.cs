using System;
using System.Globalization;
using BenchmarkDotNet.Running;
using NetCompiler.Benchmarks;

namespace NetCompiler.TorchComparison;

/// <summary>
/// Entry point. With <c>--check</c> it only compares the two libraries' outputs and gradients on the benchmark
/// networks and prints the differences; otherwise it hands the arguments to BenchmarkDotNet's switcher
/// (<c>--filter</c>, <c>--job</c> and so on).
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
        using (var cnn = new ImagePair(new BenchmarkCnn(), TorchModels.Cnn(), TorchModels.CnnTensors, 28, 28, 1, seed: 1))
        {
            agree &= Report(nameof(BenchmarkCnn), cnn.CompareOutputs(), cnn.CompareGradients());
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
        }

        if (!agree)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"error: NetCompiler and TorchSharp differ by {Agreement.Tolerance:G3} or more (NOT OK lines above)."));
            Console.Error.WriteLine(
                "HINT: the Keras-to-PyTorch conversion in Torch/KerasLayout.cs or Torch/TorchModels.cs no longer matches the network.");
        }

        return agree ? 0 : 1;
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
