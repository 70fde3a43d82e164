using System;

namespace NetCompiler;

/// <summary>
/// Argument checks shared by every generated network. The generated kernels trust their spans completely, so every
/// public entry point checks here first and throws before anything is touched.
/// </summary>
public static class NetworkGuard
{
    /// <summary>One sample must be exactly <paramref name="expected"/> values long.</summary>
    public static void CheckSample(int length, int expected, string parameterName)
    {
        if (length != expected)
        {
            throw new ArgumentException(
                $"Expected one sample of {expected} values, but got {length}.", parameterName);
        }
    }

    /// <summary>An output span must have room for <paramref name="expected"/> values.</summary>
    public static void CheckOutput(int length, int expected, string parameterName)
    {
        if (length < expected)
        {
            throw new ArgumentException(
                $"The output needs room for {expected} values, but has {length}.", parameterName);
        }
    }

    /// <summary>Checks a run of whole samples and an output with room for all of them; returns the sample count.</summary>
    public static int CheckSamples(
        int inputLength, int sampleLength, int outputLength, int outputsPerSample, string inputName, string outputName)
    {
        if (inputLength % sampleLength != 0)
        {
            throw new ArgumentException(
                $"The inputs must hold whole samples of {sampleLength} values, but hold {inputLength} " +
                $"({inputLength / sampleLength} samples and {inputLength % sampleLength} values left over).",
                inputName);
        }

        int count = inputLength / sampleLength;
        if ((long)count * outputsPerSample > outputLength)
        {
            throw new ArgumentException(
                $"{count} samples need {(long)count * outputsPerSample} output values, but the output has {outputLength}.",
                outputName);
        }

        return count;
    }

    /// <summary>
    /// Checks a training batch: 1..batchSize samples, one label each, labels in [0, classes). Returns the sample count.
    /// </summary>
    public static int CheckBatch(
        int inputLength, ReadOnlySpan<int> labels, int sampleLength, int classes, int batchSize,
        string inputName, string labelName)
    {
        int count = labels.Length;
        if (count < 1 || count > batchSize)
        {
            throw new ArgumentOutOfRangeException(
                labelName, count, $"A batch holds 1 to {batchSize} samples (one label each), but {count} labels were given.");
        }

        if (inputLength != (long)count * sampleLength)
        {
            throw new ArgumentException(
                $"{count} labels need {(long)count * sampleLength} input values ({sampleLength} per sample), " +
                $"but the inputs hold {inputLength}.",
                inputName);
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(
                    labelName, labels[i], $"Label {i} is {labels[i]}, outside the classes [0, {classes}).");
            }
        }

        return count;
    }

    /// <summary>Every token id must name a row of the embedding table: [0, vocabulary).</summary>
    public static void CheckTokens(ReadOnlySpan<int> tokens, int sequenceLength, int vocabulary, string parameterName)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabulary)
            {
                throw new ArgumentOutOfRangeException(
                    parameterName,
                    tokens[i],
                    $"Sample {i / sequenceLength}, position {i % sequenceLength}: token id {tokens[i]} is outside the " +
                    $"vocabulary [0, {vocabulary}).");
            }
        }
    }

    /// <summary>
    /// True when the loss is finite and so is the sum of the squared gradients: the check before an optimizer step.
    /// That sum is NaN or infinite when any gradient is, and also when a finite gradient is above about 1.8e19.
    /// Such a gradient would overflow Adam's second moment to infinity, and the next step would then turn every
    /// parameter it touches into NaN even though that step's own loss and gradients are finite.
    /// </summary>
    public static bool IsFinite(float loss, ReadOnlySpan<float> gradients) =>
        float.IsFinite(loss) && float.IsFinite(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(gradients));

    /// <summary>A degree of parallelism in [1, maximum], the workers a network prepared buffers for.</summary>
    public static int CheckDegree(int value, int maximum, string parameterName)
    {
        if (value < 1 || value > maximum)
        {
            throw new ArgumentOutOfRangeException(
                parameterName, value, $"The degree of parallelism must be between 1 and {maximum} (the processors, " +
                "at most the batch size, when the network was created).");
        }

        return value;
    }
}
