using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler;

/// <summary>
/// Sigmoid and tanh of one register, for LSTM kernels that apply the gate activations to their accumulators before
/// storing them. One overload per width the generated code is written for; the scalar pair is the reference.
/// </summary>
/// <remarks>
/// e^x is computed here rather than by Vector512.Exp and its siblings, which the JIT does not inline (a call per
/// register cost the recurrence a sixth of its time): x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by a polynomial, and the
/// product with 2^n. x is first clamped to ±87, where 2^n stays a normal float; NaN passes through the clamp and
/// comes out NaN. tanh(x) = m / (m + 2) with m = e^2x - 1 computed as such (no cancellation near zero), so one formula
/// keeps full relative precision everywhere and large |x| give ±1 exactly. The gate math is throughput-bound (about one
/// 512-bit operation per cycle on the machine the benchmarks run on), so it is written for few operations: this tanh
/// replaced one that took 29, with a series for small x and a select.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GateMath
{
    // e^r = 1 + r + r²/2 + Exp3·r³ + … + Exp6·r⁶ on |r| ≤ ln 2 / 2: a least-squares fit on Chebyshev nodes (relative
    // error 2e-8, a third of a float ulp), one multiply-add shorter than the Taylor series of the same accuracy.
    private const float Exp3 = 0.16666415f;
    private const float Exp4 = 0.041666217f;
    private const float Exp5 = 0.0083751287f;
    private const float Exp6 = 0.0013948581f;

    // e^r - 1 = r + r²·(1/2 + Expm1P1·r + … + Expm1P4·r⁴) on the same interval, fitted the same way (relative error
    // 3e-8). Written this way it keeps full relative precision near r = 0.
    private const float Expm1P1 = 0.16666576f;
    private const float Expm1P2 = 0.041666467f;
    private const float Expm1P3 = 0.0083631752f;
    private const float Expm1P4 = 0.0013933644f;

    // Sigmoid and tanh clamp their exponent to ±87, where e^87 is still a normal float. (vrangeps would clamp in one
    // operation instead of two, but it turns NaN into a number.)
    private const float GateLimit = 87f;
    private const float Log2E = 1.44269504f;

    // ln 2 split in two so that n·ln2High is exact for the n that occur: r = x - n·ln2High - n·ln2Low loses nothing.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    // Where multiply-adds are fused (x86 FMA), sigmoid and tanh reduce with ln 2 rounded to a float, in one
    // multiply-add: r is then off by at most 126 · 1.9e-9 = 2.4e-7 at their ±87 clamp, a relative error that only
    // the far tail of sigmoid (values below 1e-34) comes near, and one operation fewer for each of the five
    // exponentials of a gate update. Without fused multiply-adds the product n·ln 2 would be rounded, so they keep the
    // split constant, whose high part multiplies exactly.
    private const float Ln2 = 0.693147182f;

    /// <summary>1 / (1 + e^-x).</summary>
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>tanh(x).</summary>
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) =>
        Vector512<float>.One / (Vector512<float>.One + ExpOfNegated(x));

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + ExpOfNegated(x));

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) =>
        Vector128<float>.One / (Vector128<float>.One + ExpOfNegated(x));

    /// <summary>tanh(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> em = ExpMinusOne(x + x);
        return em / (em + Vector512.Create(2f));
    }

    /// <summary>
    /// e^-x per lane, for sigmoid: x = n·ln 2 + r reduced with the negation folded in (r = -x - n·ln 2 is computed
    /// as its negative t, and the series in t has alternating signs), one operation less than negating first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ExpOfNegated(Vector512<float> x)
    {
        x = ClampToGateLimit(x);
        Vector512<float> n = Vector512.Round(x * Vector512.Create(-Log2E));
        Vector512<float> t = Fma.IsSupported
            ? Vector512.MultiplyAddEstimate(n, Vector512.Create(Ln2), x)
            : Vector512.MultiplyAddEstimate(n, Vector512.Create(Ln2Low), Vector512.MultiplyAddEstimate(n, Vector512.Create(Ln2High), x));
        Vector512<float> p = Vector512.Create(Exp6);
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(-Exp5));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(Exp4));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(-Exp3));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(0.5f));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(-1f));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512<float>.One);
        return Avx512F.IsSupported ? Avx512F.Scale(p, n) : p * PowerOfTwo(n);
    }

    /// <summary>x clamped to ±GateLimit, where sigmoid and tanh are saturated; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ClampToGateLimit(Vector512<float> x) =>
        Vector512.Min(Vector512.Max(x, Vector512.Create(-GateLimit)), Vector512.Create(GateLimit));

    /// <summary>e^x - 1 per lane, accurate to a few ulps also where it is near zero (where e^x - 1 would cancel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpMinusOne(Vector512<float> x)
    {
        x = ClampToGateLimit(x);
        Vector512<float> n = Vector512.Round(x * Vector512.Create(Log2E));
        Vector512<float> r = Fma.IsSupported
            ? Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2), x)
            : Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2Low), Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2High), x));
        Vector512<float> p = Vector512.Create(Expm1P4);
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(Expm1P3));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(Expm1P2));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(Expm1P1));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(0.5f));
        Vector512<float> q = Vector512.MultiplyAddEstimate(r * r, p, r);
        Vector512<float> scale = Avx512F.IsSupported ? Avx512F.Scale(Vector512<float>.One, n) : PowerOfTwo(n);
        return Vector512.MultiplyAddEstimate(scale, q, scale - Vector512<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PowerOfTwo(Vector512<float> n) =>
        Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();

    /// <summary>tanh(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> em = ExpMinusOne(x + x);
        return em / (em + Vector256.Create(2f));
    }

    /// <summary>
    /// e^-x per lane, for sigmoid: x = n·ln 2 + r reduced with the negation folded in (r = -x - n·ln 2 is computed
    /// as its negative t, and the series in t has alternating signs), one operation less than negating first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpOfNegated(Vector256<float> x)
    {
        x = ClampToGateLimit(x);
        Vector256<float> n = Vector256.Round(x * Vector256.Create(-Log2E));
        Vector256<float> t = Fma.IsSupported
            ? Vector256.MultiplyAddEstimate(n, Vector256.Create(Ln2), x)
            : Vector256.MultiplyAddEstimate(n, Vector256.Create(Ln2Low), Vector256.MultiplyAddEstimate(n, Vector256.Create(Ln2High), x));
        Vector256<float> p = Vector256.Create(Exp6);
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(-Exp5));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(Exp4));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(-Exp3));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(0.5f));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(-1f));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256<float>.One);
        return p * PowerOfTwo(n);
    }

    /// <summary>x clamped to ±GateLimit, where sigmoid and tanh are saturated; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ClampToGateLimit(Vector256<float> x) =>
        Vector256.Min(Vector256.Max(x, Vector256.Create(-GateLimit)), Vector256.Create(GateLimit));

    /// <summary>e^x - 1 per lane, accurate to a few ulps also where it is near zero (where e^x - 1 would cancel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpMinusOne(Vector256<float> x)
    {
        x = ClampToGateLimit(x);
        Vector256<float> n = Vector256.Round(x * Vector256.Create(Log2E));
        Vector256<float> r = Fma.IsSupported
            ? Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2), x)
            : Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2Low), Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2High), x));
        Vector256<float> p = Vector256.Create(Expm1P4);
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(Expm1P3));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(Expm1P2));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(Expm1P1));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(0.5f));
        Vector256<float> q = Vector256.MultiplyAddEstimate(r * r, p, r);
        Vector256<float> scale = PowerOfTwo(n);
        return Vector256.MultiplyAddEstimate(scale, q, scale - Vector256<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> PowerOfTwo(Vector256<float> n) =>
        Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();

    /// <summary>tanh(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> em = ExpMinusOne(x + x);
        return em / (em + Vector128.Create(2f));
    }

    /// <summary>
    /// e^-x per lane, for sigmoid: x = n·ln 2 + r reduced with the negation folded in (r = -x - n·ln 2 is computed
    /// as its negative t, and the series in t has alternating signs), one operation less than negating first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> ExpOfNegated(Vector128<float> x)
    {
        x = ClampToGateLimit(x);
        Vector128<float> n = Vector128.Round(x * Vector128.Create(-Log2E));
        Vector128<float> t = Fma.IsSupported
            ? Vector128.MultiplyAddEstimate(n, Vector128.Create(Ln2), x)
            : Vector128.MultiplyAddEstimate(n, Vector128.Create(Ln2Low), Vector128.MultiplyAddEstimate(n, Vector128.Create(Ln2High), x));
        Vector128<float> p = Vector128.Create(Exp6);
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(-Exp5));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(Exp4));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(-Exp3));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(0.5f));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(-1f));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128<float>.One);
        return p * PowerOfTwo(n);
    }

    /// <summary>x clamped to ±GateLimit, where sigmoid and tanh are saturated; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ClampToGateLimit(Vector128<float> x) =>
        Vector128.Min(Vector128.Max(x, Vector128.Create(-GateLimit)), Vector128.Create(GateLimit));

    /// <summary>e^x - 1 per lane, accurate to a few ulps also where it is near zero (where e^x - 1 would cancel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpMinusOne(Vector128<float> x)
    {
        x = ClampToGateLimit(x);
        Vector128<float> n = Vector128.Round(x * Vector128.Create(Log2E));
        Vector128<float> r = Fma.IsSupported
            ? Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2), x)
            : Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2Low), Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2High), x));
        Vector128<float> p = Vector128.Create(Expm1P4);
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(Expm1P3));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(Expm1P2));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(Expm1P1));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(0.5f));
        Vector128<float> q = Vector128.MultiplyAddEstimate(r * r, p, r);
        Vector128<float> scale = PowerOfTwo(n);
        return Vector128.MultiplyAddEstimate(scale, q, scale - Vector128<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> PowerOfTwo(Vector128<float> n) =>
        Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();

    /// <summary>
    /// One LSTM step's state update for one sample, from the pre-activation gates (4U floats, Keras order i, f, c, o):
    /// i, f, o = sigmoid; c~ = tanh; c = f·c(t-1) + i·c~; h = o·tanh(c). With <paramref name="keepGates"/> the
    /// activations replace the pre-activations, for backpropagation. <paramref name="first"/> means c(t-1) = 0, and
    /// <paramref name="previousCell"/> is not read.
    /// </summary>
    public static void UpdateState(ref float gates, ref float previousCell, ref float cell, ref float hidden, int units,
        bool first, bool keepGates)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; k + 16 <= units; k += 16)
            {
                UpdateState512(ref gates, ref previousCell, ref cell, ref hidden, units, k, first, keepGates);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + 8 <= units; k += 8)
            {
                UpdateState256(ref gates, ref previousCell, ref cell, ref hidden, units, k, first, keepGates);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; k + 4 <= units; k += 4)
            {
                UpdateState128(ref gates, ref previousCell, ref cell, ref hidden, units, k, first, keepGates);
            }
        }

        for (; k < units; k++)
        {
            float input = Sigmoid(Unsafe.Add(ref gates, k));
            float forget = Sigmoid(Unsafe.Add(ref gates, units + k));
            float candidate = Tanh(Unsafe.Add(ref gates, 2 * units + k));
            float output = Sigmoid(Unsafe.Add(ref gates, 3 * units + k));
            if (keepGates)
            {
                Unsafe.Add(ref gates, k) = input;
                Unsafe.Add(ref gates, units + k) = forget;
                Unsafe.Add(ref gates, 2 * units + k) = candidate;
                Unsafe.Add(ref gates, 3 * units + k) = output;
            }

            float state = forget * (first ? 0f : Unsafe.Add(ref previousCell, k)) + input * candidate;
            Unsafe.Add(ref cell, k) = state;
            Unsafe.Add(ref hidden, k) = output * Tanh(state);
        }
    }

    // Not inlined into UpdateState: each width gets the JIT's whole inlining budget for exp, sigmoid and tanh.
    private static void UpdateState512(ref float gates, ref float previousCell, ref float cell, ref float hidden, int units, int k,
        bool first, bool keepGates)
    {
        Vector512<float> input = Sigmoid(Vector512.LoadUnsafe(ref gates, (nuint)k));
        Vector512<float> forget = Sigmoid(Vector512.LoadUnsafe(ref gates, (nuint)(units + k)));
        Vector512<float> candidate = Tanh(Vector512.LoadUnsafe(ref gates, (nuint)(2 * units + k)));
        Vector512<float> output = Sigmoid(Vector512.LoadUnsafe(ref gates, (nuint)(3 * units + k)));
        if (keepGates)
        {
            input.StoreUnsafe(ref gates, (nuint)k);
            forget.StoreUnsafe(ref gates, (nuint)(units + k));
            candidate.StoreUnsafe(ref gates, (nuint)(2 * units + k));
            output.StoreUnsafe(ref gates, (nuint)(3 * units + k));
        }

        Vector512<float> previous = first ? Vector512<float>.Zero : Vector512.LoadUnsafe(ref previousCell, (nuint)k);
        Vector512<float> state = Vector512.MultiplyAddEstimate(forget, previous, input * candidate);
        state.StoreUnsafe(ref cell, (nuint)k);
        (output * Tanh(state)).StoreUnsafe(ref hidden, (nuint)k);
    }

    private static void UpdateState256(ref float gates, ref float previousCell, ref float cell, ref float hidden, int units, int k,
        bool first, bool keepGates)
    {
        Vector256<float> input = Sigmoid(Vector256.LoadUnsafe(ref gates, (nuint)k));
        Vector256<float> forget = Sigmoid(Vector256.LoadUnsafe(ref gates, (nuint)(units + k)));
        Vector256<float> candidate = Tanh(Vector256.LoadUnsafe(ref gates, (nuint)(2 * units + k)));
        Vector256<float> output = Sigmoid(Vector256.LoadUnsafe(ref gates, (nuint)(3 * units + k)));
        if (keepGates)
        {
            input.StoreUnsafe(ref gates, (nuint)k);
            forget.StoreUnsafe(ref gates, (nuint)(units + k));
            candidate.StoreUnsafe(ref gates, (nuint)(2 * units + k));
            output.StoreUnsafe(ref gates, (nuint)(3 * units + k));
        }

        Vector256<float> previous = first ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref previousCell, (nuint)k);
        Vector256<float> state = Vector256.MultiplyAddEstimate(forget, previous, input * candidate);
        state.StoreUnsafe(ref cell, (nuint)k);
        (output * Tanh(state)).StoreUnsafe(ref hidden, (nuint)k);
    }

    private static void UpdateState128(ref float gates, ref float previousCell, ref float cell, ref float hidden, int units, int k,
        bool first, bool keepGates)
    {
        Vector128<float> input = Sigmoid(Vector128.LoadUnsafe(ref gates, (nuint)k));
        Vector128<float> forget = Sigmoid(Vector128.LoadUnsafe(ref gates, (nuint)(units + k)));
        Vector128<float> candidate = Tanh(Vector128.LoadUnsafe(ref gates, (nuint)(2 * units + k)));
        Vector128<float> output = Sigmoid(Vector128.LoadUnsafe(ref gates, (nuint)(3 * units + k)));
        if (keepGates)
        {
            input.StoreUnsafe(ref gates, (nuint)k);
            forget.StoreUnsafe(ref gates, (nuint)(units + k));
            candidate.StoreUnsafe(ref gates, (nuint)(2 * units + k));
            output.StoreUnsafe(ref gates, (nuint)(3 * units + k));
        }

        Vector128<float> previous = first ? Vector128<float>.Zero : Vector128.LoadUnsafe(ref previousCell, (nuint)k);
        Vector128<float> state = Vector128.MultiplyAddEstimate(forget, previous, input * candidate);
        state.StoreUnsafe(ref cell, (nuint)k);
        (output * Tanh(state)).StoreUnsafe(ref hidden, (nuint)k);
    }

    /// <summary>
    /// One step of backpropagation through time for one sample, from the activated gates (i, f, c~, o), the output
    /// h(t) and the cell state c(t-1): turns dh and dc into the pre-activation gate gradients dz (4U floats) and leaves
    /// dc(t-1) = dc·f in <paramref name="cellGradient"/>. dh(t-1) = dz·Uᵀ is the caller's, as it is a product shared
    /// between samples. <paramref name="first"/> means c(t-1) = 0, and <paramref name="previousCell"/> is not read.
    /// </summary>
    /// <remarks>
    /// tanh(c(t)) is read back as h(t) / o(t) rather than computed again: a division instead of an exp and a division
    /// (a third of this function's arithmetic). Where o underflows to zero, and only there, the quotient would be
    /// meaningless; every term that uses it is then multiplied by o, so it is taken as zero.
    /// </remarks>
    public static void BackwardStep(ref float gates, ref float hidden, ref float previousCell, ref float hiddenGradient,
        ref float cellGradient, ref float gateGradient, int units, bool first)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; k + 16 <= units; k += 16)
            {
                BackwardStep512(ref gates, ref hidden, ref previousCell, ref hiddenGradient, ref cellGradient, ref gateGradient, units, k, first);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + 8 <= units; k += 8)
            {
                BackwardStep256(ref gates, ref hidden, ref previousCell, ref hiddenGradient, ref cellGradient, ref gateGradient, units, k, first);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; k + 4 <= units; k += 4)
            {
                BackwardStep128(ref gates, ref hidden, ref previousCell, ref hiddenGradient, ref cellGradient, ref gateGradient, units, k, first);
            }
        }

        for (; k < units; k++)
        {
            float input = Unsafe.Add(ref gates, k);
            float forget = Unsafe.Add(ref gates, units + k);
            float candidate = Unsafe.Add(ref gates, 2 * units + k);
            float output = Unsafe.Add(ref gates, 3 * units + k);
            float tanhCell = output == 0f ? 0f : Unsafe.Add(ref hidden, k) / output;
            float previous = first ? 0f : Unsafe.Add(ref previousCell, k);
            float dh = Unsafe.Add(ref hiddenGradient, k);
            float dc = Unsafe.Add(ref cellGradient, k) + dh * output * (1f - tanhCell * tanhCell);
            Unsafe.Add(ref gateGradient, k) = dc * candidate * input * (1f - input);
            Unsafe.Add(ref gateGradient, units + k) = dc * previous * forget * (1f - forget);
            Unsafe.Add(ref gateGradient, 2 * units + k) = dc * input * (1f - candidate * candidate);
            Unsafe.Add(ref gateGradient, 3 * units + k) = dh * tanhCell * output * (1f - output);
            Unsafe.Add(ref cellGradient, k) = dc * forget;
        }
    }

    private static void BackwardStep512(ref float gates, ref float hidden, ref float previousCell, ref float hiddenGradient,
        ref float cellGradient, ref float gateGradient, int units, int k, bool first)
    {
        Vector512<float> one = Vector512<float>.One;
        Vector512<float> input = Vector512.LoadUnsafe(ref gates, (nuint)k);
        Vector512<float> forget = Vector512.LoadUnsafe(ref gates, (nuint)(units + k));
        Vector512<float> candidate = Vector512.LoadUnsafe(ref gates, (nuint)(2 * units + k));
        Vector512<float> output = Vector512.LoadUnsafe(ref gates, (nuint)(3 * units + k));
        Vector512<float> tanhCell = Vector512.ConditionalSelect(
            Vector512.Equals(output, Vector512<float>.Zero), Vector512<float>.Zero, Vector512.LoadUnsafe(ref hidden, (nuint)k) / output);
        Vector512<float> previous = first ? Vector512<float>.Zero : Vector512.LoadUnsafe(ref previousCell, (nuint)k);
        Vector512<float> dh = Vector512.LoadUnsafe(ref hiddenGradient, (nuint)k);
        Vector512<float> dc = Vector512.LoadUnsafe(ref cellGradient, (nuint)k) + dh * output * (one - tanhCell * tanhCell);
        (dc * candidate * input * (one - input)).StoreUnsafe(ref gateGradient, (nuint)k);
        (dc * previous * forget * (one - forget)).StoreUnsafe(ref gateGradient, (nuint)(units + k));
        (dc * input * (one - candidate * candidate)).StoreUnsafe(ref gateGradient, (nuint)(2 * units + k));
        (dh * tanhCell * output * (one - output)).StoreUnsafe(ref gateGradient, (nuint)(3 * units + k));
        (dc * forget).StoreUnsafe(ref cellGradient, (nuint)k);
    }

    private static void BackwardStep256(ref float gates, ref float hidden, ref float previousCell, ref float hiddenGradient,
        ref float cellGradient, ref float gateGradient, int units, int k, bool first)
    {
        Vector256<float> one = Vector256<float>.One;
        Vector256<float> input = Vector256.LoadUnsafe(ref gates, (nuint)k);
        Vector256<float> forget = Vector256.LoadUnsafe(ref gates, (nuint)(units + k));
        Vector256<float> candidate = Vector256.LoadUnsafe(ref gates, (nuint)(2 * units + k));
        Vector256<float> output = Vector256.LoadUnsafe(ref gates, (nuint)(3 * units + k));
        Vector256<float> tanhCell = Vector256.ConditionalSelect(
            Vector256.Equals(output, Vector256<float>.Zero), Vector256<float>.Zero, Vector256.LoadUnsafe(ref hidden, (nuint)k) / output);
        Vector256<float> previous = first ? Vector256<float>.Zero : Vector256.LoadUnsafe(ref previousCell, (nuint)k);
        Vector256<float> dh = Vector256.LoadUnsafe(ref hiddenGradient, (nuint)k);
        Vector256<float> dc = Vector256.LoadUnsafe(ref cellGradient, (nuint)k) + dh * output * (one - tanhCell * tanhCell);
        (dc * candidate * input * (one - input)).StoreUnsafe(ref gateGradient, (nuint)k);
        (dc * previous * forget * (one - forget)).StoreUnsafe(ref gateGradient, (nuint)(units + k));
        (dc * input * (one - candidate * candidate)).StoreUnsafe(ref gateGradient, (nuint)(2 * units + k));
        (dh * tanhCell * output * (one - output)).StoreUnsafe(ref gateGradient, (nuint)(3 * units + k));
        (dc * forget).StoreUnsafe(ref cellGradient, (nuint)k);
    }

    private static void BackwardStep128(ref float gates, ref float hidden, ref float previousCell, ref float hiddenGradient,
        ref float cellGradient, ref float gateGradient, int units, int k, bool first)
    {
        Vector128<float> one = Vector128<float>.One;
        Vector128<float> input = Vector128.LoadUnsafe(ref gates, (nuint)k);
        Vector128<float> forget = Vector128.LoadUnsafe(ref gates, (nuint)(units + k));
        Vector128<float> candidate = Vector128.LoadUnsafe(ref gates, (nuint)(2 * units + k));
        Vector128<float> output = Vector128.LoadUnsafe(ref gates, (nuint)(3 * units + k));
        Vector128<float> tanhCell = Vector128.ConditionalSelect(
            Vector128.Equals(output, Vector128<float>.Zero), Vector128<float>.Zero, Vector128.LoadUnsafe(ref hidden, (nuint)k) / output);
        Vector128<float> previous = first ? Vector128<float>.Zero : Vector128.LoadUnsafe(ref previousCell, (nuint)k);
        Vector128<float> dh = Vector128.LoadUnsafe(ref hiddenGradient, (nuint)k);
        Vector128<float> dc = Vector128.LoadUnsafe(ref cellGradient, (nuint)k) + dh * output * (one - tanhCell * tanhCell);
        (dc * candidate * input * (one - input)).StoreUnsafe(ref gateGradient, (nuint)k);
        (dc * previous * forget * (one - forget)).StoreUnsafe(ref gateGradient, (nuint)(units + k));
        (dc * input * (one - candidate * candidate)).StoreUnsafe(ref gateGradient, (nuint)(2 * units + k));
        (dh * tanhCell * output * (one - output)).StoreUnsafe(ref gateGradient, (nuint)(3 * units + k));
        (dc * forget).StoreUnsafe(ref cellGradient, (nuint)k);
    }
}
