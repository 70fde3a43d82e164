using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        if (outputs.Length < gradients.Length)
        {
            throw new ArgumentException("Each gradient needs its output.", nameof(outputs));
        }

        int n = gradients.Length, i = 0;
        ref float y = ref MemoryMarshal.GetReference(outputs);
        ref float d = ref MemoryMarshal.GetReference(gradients);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> keep = Vector512.GreaterThan(Vector512.LoadUnsafe(ref y, (nuint)i), Vector512<float>.Zero);
                (Vector512.LoadUnsafe(ref d, (nuint)i) & keep).StoreUnsafe(ref d, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> keep = Vector256.GreaterThan(Vector256.LoadUnsafe(ref y, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref d, (nuint)i) & keep).StoreUnsafe(ref d, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> keep = Vector128.GreaterThan(Vector128.LoadUnsafe(ref y, (nuint)i), Vector128<float>.Zero);
                (Vector128.LoadUnsafe(ref d, (nuint)i) & keep).StoreUnsafe(ref d, (nuint)i);
            }
        }

        // The scalar reference, and the tail of the vector loops.
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref y, i) > 0f ? Unsafe.Add(ref d, i) : 0f;
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
