using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetCompiler;

/// <summary>
/// Sigmoid and tanh of one register, for LSTM kernels that apply the gate activations to their accumulators before
/// storing them. One overload per width the generated code is written for; the scalar pair is the reference.
/// </summary>
/// <remarks>
/// tanh(x) is computed as sign(x)·(1 - e)/(1 + e) with e = exp(-2|x|), which loses relative precision as x nears
/// zero; below |x| = 1/16 an odd polynomial (the Taylor series to x⁷, truncation error under 1e-12) takes over.
/// Both forms are within a few float ulps of tanh everywhere.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GateMath
{
    private const float SmallTanh = 0.0625f;
    private const float TaylorX3 = -1f / 3f;
    private const float TaylorX5 = 2f / 15f;
    private const float TaylorX7 = -17f / 315f;

    /// <summary>1 / (1 + e^-x).</summary>
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>tanh(x).</summary>
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) =>
        Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) =>
        Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-x));

    /// <summary>tanh(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> magnitude = Vector512.Abs(x);
        Vector512<float> e = Vector512.Exp(magnitude * Vector512.Create(-2f));
        Vector512<float> large = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        Vector512<float> square = x * x;
        Vector512<float> series = Vector512.MultiplyAddEstimate(square, Vector512.Create(TaylorX7), Vector512.Create(TaylorX5));
        series = Vector512.MultiplyAddEstimate(square, series, Vector512.Create(TaylorX3));
        Vector512<float> small = Vector512.MultiplyAddEstimate(x * square, series, x);
        Vector512<float> signed = Vector512.CopySign(large, x);
        return Vector512.ConditionalSelect(Vector512.LessThan(magnitude, Vector512.Create(SmallTanh)), small, signed);
    }

    /// <summary>tanh(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> magnitude = Vector256.Abs(x);
        Vector256<float> e = Vector256.Exp(magnitude * Vector256.Create(-2f));
        Vector256<float> large = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        Vector256<float> square = x * x;
        Vector256<float> series = Vector256.MultiplyAddEstimate(square, Vector256.Create(TaylorX7), Vector256.Create(TaylorX5));
        series = Vector256.MultiplyAddEstimate(square, series, Vector256.Create(TaylorX3));
        Vector256<float> small = Vector256.MultiplyAddEstimate(x * square, series, x);
        Vector256<float> signed = Vector256.CopySign(large, x);
        return Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create(SmallTanh)), small, signed);
    }

    /// <summary>tanh(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> magnitude = Vector128.Abs(x);
        Vector128<float> e = Vector128.Exp(magnitude * Vector128.Create(-2f));
        Vector128<float> large = (Vector128<float>.One - e) / (Vector128<float>.One + e);
        Vector128<float> square = x * x;
        Vector128<float> series = Vector128.MultiplyAddEstimate(square, Vector128.Create(TaylorX7), Vector128.Create(TaylorX5));
        series = Vector128.MultiplyAddEstimate(square, series, Vector128.Create(TaylorX3));
        Vector128<float> small = Vector128.MultiplyAddEstimate(x * square, series, x);
        Vector128<float> signed = Vector128.CopySign(large, x);
        return Vector128.ConditionalSelect(Vector128.LessThan(magnitude, Vector128.Create(SmallTanh)), small, signed);
    }
}
