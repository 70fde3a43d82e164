using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetCompiler.TorchComparison;

/// <summary>
/// The benchmark networks built with TorchSharp, and the mapping from a NetCompiler parameter vector (Keras layout,
/// layer by layer) to the PyTorch parameters of the same network, by name. The same mapping converts
/// <c>Gradients</c>, so that the two libraries' gradients can be compared too.
/// </summary>
/// <remarks>
/// The PyTorch modules end in logits. The NetCompiler networks end in softmax, so inference applies softmax to the
/// logits, and training uses cross-entropy on the logits, which is the same loss as NetCompiler's sparse
/// categorical cross-entropy on probabilities (except where Keras' clipping at 1e-7 applies).
/// </remarks>
internal static class TorchModels
{
    /// <summary>The seed CNN: conv 3×3×32, ReLU, pool 2, conv 3×3×64, ReLU, pool 2, flatten, 128 ReLU, 10.</summary>
    public static Sequential Cnn() => nn.Sequential(
        ("conv1", nn.Conv2d(1, 32, 3)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(32, 64, 3)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(1600, 128)),
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(128, 10)));

    /// <summary>BenchmarkCnn's parameters (or gradients) as PyTorch tensors, named as in <see cref="Cnn"/>.</summary>
    public static Dictionary<string, float[]> CnnTensors(ReadOnlySpan<float> keras)
    {
        var reader = new KerasReader(keras.ToArray());
        var tensors = new Dictionary<string, float[]>
        {
            ["conv1.weight"] = KerasLayout.ConvKernel(reader.Next(3 * 3 * 1 * 32), 3, 3, 1, 32),
            ["conv1.bias"] = reader.Next(32).ToArray(),
            ["conv2.weight"] = KerasLayout.ConvKernel(reader.Next(3 * 3 * 32 * 64), 3, 3, 32, 64),
            ["conv2.bias"] = reader.Next(64).ToArray(),
            ["fc1.weight"] = KerasLayout.DenseKernelAfterFlatten(reader.Next(1600 * 128), 5, 5, 64, 128),
            ["fc1.bias"] = reader.Next(128).ToArray(),
            ["fc2.weight"] = KerasLayout.DenseKernel(reader.Next(128 * 10), 128, 10),
            ["fc2.bias"] = reader.Next(10).ToArray(),
        };
        reader.EnsureEnd();
        return tensors;
    }

    /// <summary>
    /// A convolution probe (see Networks/ConvProbes.cs): conv 3×3 with ReLU on height×width×channels, pool 2,
    /// flatten, Linear to two classes.
    /// </summary>
    public static Sequential ConvProbe(int height, int width, int channels, int filters) => nn.Sequential(
        ("conv", nn.Conv2d(channels, filters, 3)),
        ("relu", nn.ReLU()),
        ("pool", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(PooledSize(height) * PooledSize(width) * filters, 2)));

    /// <summary>A convolution probe's parameters (or gradients) as PyTorch tensors, named as in <see cref="ConvProbe"/>.</summary>
    public static Dictionary<string, float[]> ConvProbeTensors(ReadOnlySpan<float> keras, int height, int width, int channels, int filters)
    {
        int pooledHeight = PooledSize(height);
        int pooledWidth = PooledSize(width);
        var reader = new KerasReader(keras.ToArray());
        var tensors = new Dictionary<string, float[]>
        {
            ["conv.weight"] = KerasLayout.ConvKernel(reader.Next(3 * 3 * channels * filters), 3, 3, channels, filters),
            ["conv.bias"] = reader.Next(filters).ToArray(),
            ["fc.weight"] = KerasLayout.DenseKernelAfterFlatten(
                reader.Next(pooledHeight * pooledWidth * filters * 2), pooledHeight, pooledWidth, filters, 2),
            ["fc.bias"] = reader.Next(2).ToArray(),
        };
        reader.EnsureEnd();
        return tensors;
    }

    /// <summary>BenchmarkTextClassifier's parameters (or gradients) as PyTorch tensors, named as in <see cref="TorchTextClassifier"/>.</summary>
    /// <remarks>
    /// Keras has one LSTM bias; PyTorch adds bias_ih and bias_hh, so bias_ih takes it and bias_hh is zero. For
    /// gradients both PyTorch biases receive the same gradient, which equals Keras' bias gradient.
    /// </remarks>
    public static Dictionary<string, float[]> TextClassifierTensors(ReadOnlySpan<float> keras, bool gradients = false)
    {
        const int Vocabulary = TorchTextClassifier.Vocabulary;
        const int Features = TorchTextClassifier.Features;
        const int Units = TorchTextClassifier.Units;
        const int Classes = TorchTextClassifier.Classes;
        var reader = new KerasReader(keras.ToArray());
        var tensors = new Dictionary<string, float[]>
        {
            // Embedding [vocabulary, features] has the same layout in both.
            ["embedding.weight"] = reader.Next(Vocabulary * Features).ToArray(),
            ["lstm.weight_ih_l0"] = KerasLayout.LstmKernel(reader.Next(Features * 4 * Units), Features, Units),
            ["lstm.weight_hh_l0"] = KerasLayout.LstmKernel(reader.Next(Units * 4 * Units), Units, Units),
        };
        float[] bias = reader.Next(4 * Units).ToArray();
        tensors["lstm.bias_ih_l0"] = bias;
        tensors["lstm.bias_hh_l0"] = gradients ? bias : new float[4 * Units];
        tensors["dense.weight"] = KerasLayout.DenseKernel(reader.Next(Units * Classes), Units, Classes);
        tensors["dense.bias"] = reader.Next(Classes).ToArray();
        reader.EnsureEnd();
        return tensors;
    }

    /// <summary>Copies converted tensors into a module's parameters; every parameter must be given, with its size.</summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, float[]> tensors)
    {
        using var noGrad = no_grad();
        int loaded = 0;
        foreach (var (name, parameter) in module.named_parameters())
        {
            float[] values = Find(tensors, name, parameter);
            using var source = tensor(values, parameter.shape);
            parameter.copy_(source);
            loaded++;
        }

        if (loaded != tensors.Count)
        {
            throw new InvalidOperationException($"{tensors.Count} NetCompiler tensors for {loaded} PyTorch parameters");
        }
    }

    /// <summary>The largest |PyTorch gradient − NetCompiler gradient| over all parameters, and the largest |gradient|.</summary>
    public static (float MaxDifference, float MaxMagnitude) CompareGradients(nn.Module module, IReadOnlyDictionary<string, float[]> expected)
    {
        float difference = 0;
        float magnitude = 0;
        foreach (var (name, parameter) in module.named_parameters())
        {
            float[] values = Find(expected, name, parameter);
            using Tensor? grad = parameter.grad;
            if (grad is null)
            {
                throw new InvalidOperationException($"PyTorch has no gradient for {name}");
            }

            float[] actual = grad.data<float>().ToArray();
            difference = Math.Max(difference, Agreement.MaxAbsDifference(actual, values));
            foreach (float value in values)
            {
                magnitude = Math.Max(magnitude, Math.Abs(value));
            }
        }

        return (difference, magnitude);
    }

    private static float[] Find(IReadOnlyDictionary<string, float[]> tensors, string name, Tensor parameter)
    {
        if (!tensors.TryGetValue(name, out float[]? values))
        {
            throw new InvalidOperationException($"no NetCompiler tensor for the PyTorch parameter {name}");
        }

        if (values.Length != parameter.numel())
        {
            throw new InvalidOperationException($"{name}: {values.Length} values for {parameter.numel()} elements");
        }

        return values;
    }

    // Valid 3×3 convolution, then 2×2 pooling with stride 2 (floor).
    private static int PooledSize(int size) => (size - 2) / 2;

    /// <summary>Reads consecutive tensors from a flat parameter vector.</summary>
    private sealed class KerasReader(float[] values)
    {
        private int _offset;

        public ReadOnlySpan<float> Next(int count)
        {
            var span = values.AsSpan(_offset, count);
            _offset += count;
            return span;
        }

        public void EnsureEnd()
        {
            if (_offset != values.Length)
            {
                throw new InvalidOperationException($"read {_offset} of {values.Length} parameters: the layouts differ");
            }
        }
    }
}

/// <summary>
/// The text LSTM in TorchSharp: Embedding(10000, 64), one LSTM layer of 64 units over the whole sequence (batch
/// first), Linear(64, 10) on the last hidden state. Returns logits.
/// </summary>
internal sealed class TorchTextClassifier : nn.Module<Tensor, Tensor>
{
    public const int Vocabulary = 10000;
    public const int Features = 64;
    public const int Units = 64;
    public const int Classes = 10;

    private readonly Embedding _embedding = nn.Embedding(Vocabulary, Features);
    private readonly LSTM _lstm = nn.LSTM(Features, Units, batchFirst: true);
    private readonly Linear _dense = nn.Linear(Units, Classes);

    public TorchTextClassifier()
        : base(nameof(TorchTextClassifier))
    {
        register_module("embedding", _embedding);
        register_module("lstm", _lstm);
        register_module("dense", _dense);
    }

    /// <summary>tokens (N, T) int64 → logits (N, 10).</summary>
    public override Tensor forward(Tensor tokens)
    {
        Tensor embedded = _embedding.forward(tokens);
        (Tensor _, Tensor hidden, Tensor _) = _lstm.forward(embedded);

        // hidden is (layers = 1, N, units): the output of the last step.
        return _dense.forward(hidden[0]);
    }
}
