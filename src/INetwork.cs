using System;
using System.IO;

namespace NetCompiler;

/// <summary>
/// What every generated network offers, so that the runtime (training loop, evaluation, checkpoints) can drive any of
/// them. <typeparamref name="TInput"/> is the element type of one sample: <see cref="float"/> for images and vectors.
/// </summary>
/// <remarks>
/// The generated class also exposes <c>BatchSize</c>, <c>InputLength</c>, <c>OutputLength</c> and
/// <c>ParameterCount</c> as constants; this interface repeats them as properties for generic callers.
/// An instance is not thread-safe: one thread at a time may call it.
/// </remarks>
public interface INetwork<TInput>
    where TInput : unmanaged
{
    /// <summary>The largest number of samples one training or loss call takes.</summary>
    int BatchSize { get; }

    /// <summary>The number of input elements in one sample.</summary>
    int InputLength { get; }

    /// <summary>The number of outputs (classes) for one sample.</summary>
    int OutputLength { get; }

    /// <summary>The number of trainable parameters.</summary>
    int ParameterCount { get; }

    /// <summary>Every trainable parameter, layer by layer, each tensor in Keras' layout. Writing changes the model.</summary>
    Span<float> Parameters { get; }

    /// <summary>The gradient of the mean loss from the last <see cref="ComputeGradients"/> or <see cref="TrainBatch"/>.</summary>
    ReadOnlySpan<float> Gradients { get; }

    /// <summary>The outputs of the samples of the last training or loss call, sample after sample.</summary>
    ReadOnlySpan<float> Outputs { get; }

    /// <summary>Runs one sample; <paramref name="output"/> receives the last layer's activation.</summary>
    void Forward(ReadOnlySpan<TInput> input, Span<float> output);

    /// <summary>Runs any number of samples laid one after another.</summary>
    void Predict(ReadOnlySpan<TInput> inputs, Span<float> outputs);

    /// <summary>Fills <see cref="Gradients"/> for 1..BatchSize samples and returns their mean loss.</summary>
    float ComputeGradients(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> labels);

    /// <summary>
    /// Computes gradients, then takes one optimizer step; returns the mean loss before the step. When the loss or a
    /// gradient is NaN or infinite (a bad input, or divergence), or the gradients are so large that their squares
    /// overflow (above about 1.8e19), it takes no step, leaves the parameters and the optimizer state as they were,
    /// and returns a non-finite value (that loss, or NaN when only the gradients were at fault) so the caller can
    /// tell.
    /// </summary>
    float TrainBatch(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> labels);

    /// <summary>The mean loss of 1..BatchSize samples without touching gradients; <see cref="Outputs"/> holds them.</summary>
    float ComputeLoss(ReadOnlySpan<TInput> inputs, ReadOnlySpan<int> labels);

    /// <summary>Writes the weights and the optimizer state.</summary>
    void Save(Stream stream);

    /// <summary>Reads what <see cref="Save"/> wrote; on any error the model is left as it was.</summary>
    void Load(Stream stream);
}
