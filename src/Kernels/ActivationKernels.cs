using System;

namespace NetCompiler;

/// <summary>
/// Activations that generated kernels do not fuse (ReLU is fused into the convolution store), and the activation
/// gradients, computed from the stored outputs.
/// </summary>
public static class ActivationKernels
{
    public static void Sigmoid(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 1f / (1f + MathF.Exp(-values[i]));
        }
    }

    public static void Tanh(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Tanh(values[i]);
        }
    }

    /// <summary>Softmax in place, shifted by the maximum so that large logits cannot overflow.</summary>
    public static void Softmax(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            max = MathF.Max(max, v);
        }

        float sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }

        float scale = 1f / sum;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= scale;
        }
    }

    /// <summary>gradient *= (output &gt; 0): ReLU's derivative read from its output.</summary>
    public static void ReLUBackward(ReadOnlySpan<float> outputs, Span<float> gradients)
    {
        for (int i = 0; i < gradients.Length; i++)
        {
            gradients[i] = outputs[i] > 0f ? gradients[i] : 0f;
        }
    }

    /// <summary>gradient *= y(1 - y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> outputs, Span<float> gradients)
    {
        for (int i = 0; i < gradients.Length; i++)
        {
            gradients[i] *= outputs[i] * (1f - outputs[i]);
        }
    }

    /// <summary>gradient *= 1 - y².</summary>
    public static void TanhBackward(ReadOnlySpan<float> outputs, Span<float> gradients)
    {
        for (int i = 0; i < gradients.Length; i++)
        {
            gradients[i] *= 1f - outputs[i] * outputs[i];
        }
    }
}
