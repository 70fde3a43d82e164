using System;
using System.IO;

namespace NetCompiler.Tests.Runtime;

/// <summary>
/// Multinomial logistic regression written by hand: one dense layer, softmax outputs, cross-entropy loss and plain
/// SGD. It lets the runtime (trainer, checkpoints) be tested without the generator, on a model whose math is easy
/// to check by eye.
/// </summary>
internal sealed class SoftmaxRegression : INetwork<float>
{
    private readonly float[] _parameters; // kernel (features, classes), then bias (classes)
    private readonly float[] _gradients;
    private readonly float[] _outputs; // (BatchSize, classes) softmax probabilities of the last call
    private readonly float _learningRate;
    private int _outputCount;

    public SoftmaxRegression(int features, int classes, int batchSize, float learningRate, int seed)
    {
        InputLength = features;
        OutputLength = classes;
        BatchSize = batchSize;
        _learningRate = learningRate;
        _parameters = new float[features * classes + classes];
        _gradients = new float[_parameters.Length];
        _outputs = new float[batchSize * classes];

        var random = new NetworkRandom(seed);
        Initializers.GlorotUniform(_parameters.AsSpan(0, features * classes), features, classes, ref random);
    }

    public int BatchSize { get; }

    public int InputLength { get; }

    public int OutputLength { get; }

    public int ParameterCount => _parameters.Length;

    public Span<float> Parameters => _parameters;

    public ReadOnlySpan<float> Gradients => _gradients;

    public ReadOnlySpan<float> Outputs => _outputs.AsSpan(0, _outputCount);

    /// <summary>The number of SGD steps taken, stored in checkpoints as the optimizer step.</summary>
    public long Step { get; private set; }

    public string Architecture => $"SoftmaxRegression(features={InputLength},classes={OutputLength})";

    public TensorInfo[] Tensors =>
    [
        new("dense/kernel", [InputLength, OutputLength], 0),
        new("dense/bias", [OutputLength], InputLength * OutputLength),
    ];

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputLength || output.Length != OutputLength)
        {
            throw new ArgumentException($"Expected {InputLength} inputs and {OutputLength} outputs.");
        }

        ForwardSample(input, output);
    }

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int samples = inputs.Length / InputLength;
        if (inputs.Length != samples * InputLength || outputs.Length != samples * OutputLength)
        {
            throw new ArgumentException("Inputs and outputs do not hold the same whole number of samples.");
        }

        for (int s = 0; s < samples; s++)
        {
            ForwardSample(inputs.Slice(s * InputLength, InputLength), outputs.Slice(s * OutputLength, OutputLength));
        }
    }

    public float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        CheckBatch(inputs, labels);
        _outputCount = labels.Length * OutputLength;
        double loss = 0;
        for (int s = 0; s < labels.Length; s++)
        {
            Span<float> probabilities = _outputs.AsSpan(s * OutputLength, OutputLength);
            ForwardSample(inputs.Slice(s * InputLength, InputLength), probabilities);
            loss -= Math.Log(Math.Max(probabilities[labels[s]], 1e-30f));
        }

        return (float)(loss / labels.Length);
    }

    public float ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        float loss = ComputeLoss(inputs, labels);

        // d(mean cross-entropy)/d(logit) = (p - onehot) / n; the kernel gradient is the input times that.
        Array.Clear(_gradients);
        int kernelLength = InputLength * OutputLength;
        float scale = 1f / labels.Length;
        for (int s = 0; s < labels.Length; s++)
        {
            ReadOnlySpan<float> x = inputs.Slice(s * InputLength, InputLength);
            for (int c = 0; c < OutputLength; c++)
            {
                float dLogit = (_outputs[s * OutputLength + c] - (c == labels[s] ? 1f : 0f)) * scale;
                _gradients[kernelLength + c] += dLogit;
                for (int f = 0; f < InputLength; f++)
                {
                    _gradients[f * OutputLength + c] += x[f] * dLogit;
                }
            }
        }

        return loss;
    }

    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        float loss = ComputeGradients(inputs, labels);
        for (int i = 0; i < _parameters.Length; i++)
        {
            _parameters[i] -= _learningRate * _gradients[i];
        }

        Step++;
        return loss;
    }

    public void Save(Stream stream) => Checkpoint.Write(stream, Architecture, Tensors, _parameters, "sgd", Step, []);

    public void Load(Stream stream)
    {
        Checkpoint.Read(stream, Architecture, Tensors, _parameters, "sgd", out long step, []);
        Step = step;
    }

    private void ForwardSample(ReadOnlySpan<float> x, Span<float> probabilities)
    {
        // Logits, then a softmax shifted by the largest logit so that exp cannot overflow.
        int kernelLength = InputLength * OutputLength;
        float max = float.NegativeInfinity;
        for (int c = 0; c < OutputLength; c++)
        {
            float logit = _parameters[kernelLength + c];
            for (int f = 0; f < InputLength; f++)
            {
                logit += x[f] * _parameters[f * OutputLength + c];
            }

            probabilities[c] = logit;
            max = Math.Max(max, logit);
        }

        float sum = 0;
        for (int c = 0; c < OutputLength; c++)
        {
            probabilities[c] = MathF.Exp(probabilities[c] - max);
            sum += probabilities[c];
        }

        for (int c = 0; c < OutputLength; c++)
        {
            probabilities[c] /= sum;
        }
    }

    private void CheckBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        if (labels.Length < 1 || labels.Length > BatchSize || inputs.Length != labels.Length * InputLength)
        {
            throw new ArgumentException(
                $"A batch needs 1 to {BatchSize} labels and InputLength inputs per label; got {labels.Length} " +
                $"labels and {inputs.Length} inputs.");
        }
    }
}
