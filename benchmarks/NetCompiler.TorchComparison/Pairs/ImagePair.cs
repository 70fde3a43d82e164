using System;
using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetCompiler.TorchComparison;

/// <summary>
/// An image network in both libraries with the same weights, and the same inputs for both: NHWC floats for
/// NetCompiler and NCHW tensors for TorchSharp, converted once here so that no timed call transposes anything.
/// </summary>
internal sealed class ImagePair : IDisposable
{
    /// <summary>Samples in the inference batch.</summary>
    public const int Samples = 256;

    private readonly Func<ReadOnlySpan<float>, Dictionary<string, float[]>> _toTorch;

    /// <param name="network">the NetCompiler network; its weights are copied into <paramref name="torchModel"/></param>
    /// <param name="torchModel">the same network in TorchSharp, ending in logits</param>
    /// <param name="toTorch">converts the network's Parameters or Gradients into <paramref name="torchModel"/>'s tensors</param>
    public ImagePair(INetwork<float> network, Sequential torchModel, Func<ReadOnlySpan<float>, Dictionary<string, float[]>> toTorch,
        int height, int width, int channels, int seed)
    {
        Network = network;
        TorchModel = torchModel;
        _toTorch = toTorch;
        TorchModels.Load(torchModel, toTorch(network.Parameters));

        // Pixels in [0, 1) and labels drawn from the classes; the time does not depend on their values.
        var random = new NetworkRandom(seed);
        Inputs = new float[Samples * network.InputLength];
        for (int i = 0; i < Inputs.Length; i++)
        {
            Inputs[i] = random.NextSingle();
        }

        Labels = new int[network.BatchSize];
        for (int i = 0; i < Labels.Length; i++)
        {
            Labels[i] = random.NextInt32(network.OutputLength);
        }

        long[] shape = { Samples, channels, height, width };
        TorchInputs = tensor(KerasLayout.NhwcToNchw(Inputs, height, width, channels), shape);
        TorchSample = TorchInputs[..1].contiguous();
        TorchBatch = TorchInputs[..network.BatchSize].contiguous();
        TorchLabels = tensor(Array.ConvertAll(Labels, label => (long)label));
    }

    public INetwork<float> Network { get; }

    public Sequential TorchModel { get; }

    /// <summary><see cref="Samples"/> images, NHWC.</summary>
    public float[] Inputs { get; }

    /// <summary>One label for each sample of a training batch.</summary>
    public int[] Labels { get; }

    /// <summary>(Samples, C, H, W).</summary>
    public Tensor TorchInputs { get; }

    /// <summary>(1, C, H, W): the first sample.</summary>
    public Tensor TorchSample { get; }

    /// <summary>(BatchSize, C, H, W): the first BatchSize samples.</summary>
    public Tensor TorchBatch { get; }

    /// <summary>(BatchSize) int64.</summary>
    public Tensor TorchLabels { get; }

    /// <summary>The largest difference between the two libraries' probabilities over all <see cref="Samples"/> samples.</summary>
    public float CompareOutputs()
    {
        var ours = new float[Samples * Network.OutputLength];
        Network.Predict(Inputs, ours);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        float[] theirs = nn.functional.softmax(TorchModel.forward(TorchInputs), 1).data<float>().ToArray();
        return Agreement.MaxAbsDifference(ours, theirs);
    }

    /// <summary>
    /// Computes the loss and gradients of one training batch in both libraries (no optimizer step) and returns the
    /// loss difference, the largest gradient difference and the largest gradient.
    /// </summary>
    public (float Loss, float Gradient, float Magnitude) CompareGradients()
    {
        float loss = Network.ComputeGradients(Inputs.AsSpan(0, Network.BatchSize * Network.InputLength), Labels);
        using var scope = NewDisposeScope();
        TorchModel.zero_grad();
        Tensor torchLoss = nn.functional.cross_entropy(TorchModel.forward(TorchBatch), TorchLabels);
        torchLoss.backward();
        var (gradient, magnitude) = TorchModels.CompareGradients(TorchModel, _toTorch(Network.Gradients));
        return (Math.Abs(loss - torchLoss.item<float>()), gradient, magnitude);
    }

    public void Dispose()
    {
        TorchLabels.Dispose();
        TorchBatch.Dispose();
        TorchSample.Dispose();
        TorchInputs.Dispose();
        TorchModel.Dispose();
    }
}
