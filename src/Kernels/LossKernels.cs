using System;

namespace NetCompiler;

/// <summary>Sparse categorical cross-entropy, the mean over a batch, with its gradient to the last layer's logits.</summary>
public static class LossKernels
{
    /// <summary>Keras clips probabilities to [epsilon, 1 - epsilon] before the logarithm.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>
    /// Loss from softmax probabilities. The gradient returned is with respect to the softmax's input: p - onehot
    /// divided by the batch size, and zero for a sample whose true-class probability lies outside the clip range,
    /// where the clipped loss is flat. Leave <paramref name="logitGradients"/> empty to skip it.
    /// </summary>
    public static float SparseCrossEntropyFromProbabilities(
        ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, Span<float> logitGradients) =>
        (float)(SparseCrossEntropyFromProbabilities(probabilities, labels, logitGradients, labels.Length) / labels.Length);

    /// <summary>
    /// The summed loss of these samples, with gradients divided by <paramref name="batchCount"/>: the part of a batch's
    /// mean loss one worker computes when a batch is split over threads.
    /// </summary>
    public static double SparseCrossEntropyFromProbabilities(
        ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, Span<float> logitGradients, int batchCount)
    {
        int count = labels.Length, classes = probabilities.Length / Math.Max(1, count);
        double total = 0;
        float scale = 1f / batchCount;
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(s * classes, classes);
            int label = labels[s];
            float clipped = Math.Clamp(p[label], Epsilon, 1f - Epsilon);
            total -= Math.Log(clipped);
            if (logitGradients.IsEmpty)
            {
                continue;
            }

            Span<float> d = logitGradients.Slice(s * classes, classes);
            bool inside = p[label] > Epsilon && p[label] < 1f - Epsilon;
            for (int k = 0; k < classes; k++)
            {
                d[k] = inside ? (p[k] - (k == label ? 1f : 0f)) * scale : 0f;
            }
        }

        return total;
    }

    /// <summary>
    /// Loss from logits through a stable log-softmax (logsumexp shifted by the maximum), so logits of any magnitude
    /// stay finite. The gradient is softmax(z) - onehot, divided by the batch size.
    /// </summary>
    public static float SparseCrossEntropyFromLogits(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> logitGradients) =>
        (float)(SparseCrossEntropyFromLogits(logits, labels, logitGradients, labels.Length) / labels.Length);

    /// <summary>The summed loss of these samples, with gradients divided by <paramref name="batchCount"/>.</summary>
    public static double SparseCrossEntropyFromLogits(
        ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> logitGradients, int batchCount)
    {
        int count = labels.Length, classes = logits.Length / Math.Max(1, count);
        double total = 0;
        float scale = 1f / batchCount;
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> z = logits.Slice(s * classes, classes);
            float max = float.NegativeInfinity;
            foreach (float v in z)
            {
                max = MathF.Max(max, v);
            }

            double sum = 0;
            foreach (float v in z)
            {
                sum += Math.Exp(v - max);
            }

            double logSum = max + Math.Log(sum);
            total += logSum - z[labels[s]];
            if (logitGradients.IsEmpty)
            {
                continue;
            }

            Span<float> d = logitGradients.Slice(s * classes, classes);
            for (int k = 0; k < classes; k++)
            {
                d[k] = ((float)Math.Exp(z[k] - logSum) - (k == labels[s] ? 1f : 0f)) * scale;
            }
        }

        return total;
    }
}
