using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler;

/// <summary>
/// Parameter updates, element-wise over all parameters at once. Each has a Vector512, Vector256 and Vector128 loop
/// and a scalar one; the JIT keeps only the branch the machine accelerates.
/// </summary>
public static class OptimizerKernels
{
    /// <summary>
    /// One Adam step, Keras' rule: m += (g - m)(1 - b1); v += (g² - v)(1 - b2); p -= alpha·m / (sqrt(v) + eps),
    /// where the caller folds the bias corrections into <paramref name="alpha"/>.
    /// Gradients are multiplied by <paramref name="gradientScale"/> first (gradient clipping passes its factor here).
    /// </summary>
    public static void AdamStep(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v,
        float alpha, float beta1, float beta2, float epsilon, float gradientScale = 1f)
    {
        int n = parameters.Length;
        if (gradients.Length != n || m.Length != n || v.Length != n)
        {
            throw new ArgumentException("Parameters, gradients and both moments must have the same length.");
        }

        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float mm = ref MemoryMarshal.GetReference(m);
        ref float vv = ref MemoryMarshal.GetReference(v);
        float oneMinusB1 = 1 - beta1, oneMinusB2 = 1 - beta2;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> gi = Vector512.LoadUnsafe(ref g, (nuint)i) * gradientScale;
                Vector512<float> mi = Vector512.LoadUnsafe(ref mm, (nuint)i);
                Vector512<float> vi = Vector512.LoadUnsafe(ref vv, (nuint)i);
                mi += (gi - mi) * oneMinusB1;
                vi += (gi * gi - vi) * oneMinusB2;
                Vector512<float> step = alpha * mi / (Vector512.Sqrt(vi) + Vector512.Create(epsilon));
                (Vector512.LoadUnsafe(ref p, (nuint)i) - step).StoreUnsafe(ref p, (nuint)i);
                mi.StoreUnsafe(ref mm, (nuint)i);
                vi.StoreUnsafe(ref vv, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> gi = Vector256.LoadUnsafe(ref g, (nuint)i) * gradientScale;
                Vector256<float> mi = Vector256.LoadUnsafe(ref mm, (nuint)i);
                Vector256<float> vi = Vector256.LoadUnsafe(ref vv, (nuint)i);
                mi += (gi - mi) * oneMinusB1;
                vi += (gi * gi - vi) * oneMinusB2;
                Vector256<float> step = alpha * mi / (Vector256.Sqrt(vi) + Vector256.Create(epsilon));
                (Vector256.LoadUnsafe(ref p, (nuint)i) - step).StoreUnsafe(ref p, (nuint)i);
                mi.StoreUnsafe(ref mm, (nuint)i);
                vi.StoreUnsafe(ref vv, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> gi = Vector128.LoadUnsafe(ref g, (nuint)i) * gradientScale;
                Vector128<float> mi = Vector128.LoadUnsafe(ref mm, (nuint)i);
                Vector128<float> vi = Vector128.LoadUnsafe(ref vv, (nuint)i);
                mi += (gi - mi) * oneMinusB1;
                vi += (gi * gi - vi) * oneMinusB2;
                Vector128<float> step = alpha * mi / (Vector128.Sqrt(vi) + Vector128.Create(epsilon));
                (Vector128.LoadUnsafe(ref p, (nuint)i) - step).StoreUnsafe(ref p, (nuint)i);
                mi.StoreUnsafe(ref mm, (nuint)i);
                vi.StoreUnsafe(ref vv, (nuint)i);
            }
        }

        // The scalar reference, and the tail of the vector loops.
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i) * gradientScale;
            float mi = Unsafe.Add(ref mm, i);
            float vi = Unsafe.Add(ref vv, i);
            mi += (gi - mi) * oneMinusB1;
            vi += (gi * gi - vi) * oneMinusB2;
            Unsafe.Add(ref p, i) -= alpha * mi / (MathF.Sqrt(vi) + epsilon);
            Unsafe.Add(ref mm, i) = mi;
            Unsafe.Add(ref vv, i) = vi;
        }
    }

    /// <summary>Plain SGD, Keras' rule without momentum: p -= lr·g.</summary>
    public static void SgdStep(
        Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, float gradientScale = 1f)
    {
        learningRate *= gradientScale;
        if (gradients.Length != parameters.Length)
        {
            throw new ArgumentException("Parameters and gradients must have the same length.");
        }

        // TensorPrimitives would do, but it is a separate package; this loop is the whole kernel.
        int n = parameters.Length, i = 0;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> next = Vector256.LoadUnsafe(ref p, (nuint)i) - learningRate * Vector256.LoadUnsafe(ref g, (nuint)i);
                next.StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> next = Vector128.LoadUnsafe(ref p, (nuint)i) - learningRate * Vector128.LoadUnsafe(ref g, (nuint)i);
                next.StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref p, i) -= learningRate * Unsafe.Add(ref g, i);
        }
    }

    /// <summary>SGD with momentum, Keras' rule: velocity = momentum·velocity - lr·g; p += velocity.</summary>
    public static void SgdMomentumStep(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> velocity, float learningRate, float momentum,
        float gradientScale = 1f)
    {
        learningRate *= gradientScale;
        if (gradients.Length != parameters.Length || velocity.Length != parameters.Length)
        {
            throw new ArgumentException("Parameters, gradients and velocity must have the same length.");
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            velocity[i] = momentum * velocity[i] - learningRate * gradients[i];
            parameters[i] += velocity[i];
        }
    }
}
