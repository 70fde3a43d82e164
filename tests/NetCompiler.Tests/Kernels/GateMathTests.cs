using System;
using System.Runtime.Intrinsics;
using Xunit;

namespace NetCompiler.Tests.Kernels;

/// <summary>
/// The register-wide sigmoid, tanh and e^-x the LSTM kernels use, against double-precision references over a dense
/// sweep of arguments, at every width (the tests run whatever the hardware accelerates, and these overloads run in
/// software where it does not, so every width is checked on every machine).
/// </summary>
public sealed class GateMathTests
{
    // A few float ulps: exp's reduction and series, plus the division in sigmoid and tanh.
    private const double RelativeTolerance = 6e-7;

    public static TheoryData<int> Widths => new() { 4, 8, 16 };

    [Theory]
    [MemberData(nameof(Widths))]
    public void ExpOfNegated_MatchesDoublePrecision(int width)
    {
        // Over the whole range the gates clamp to: sigmoid's exponential, tested on its own.
        for (float x = -87f; x <= 87f; x += 0.0137f)
        {
            AssertRelative(Math.Exp(-x), Apply(width, x, Function.ExpOfNegated), x, "exp(-x)");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Sigmoid_MatchesDoublePrecision(int width)
    {
        for (float x = -80f; x <= 80f; x += 0.0093f)
        {
            AssertRelative(1 / (1 + Math.Exp(-(double)x)), Apply(width, x, Function.Sigmoid), x, "sigmoid");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Tanh_MatchesDoublePrecision(int width)
    {
        // Dense around zero, where cancellation would show.
        for (float x = -0.2f; x <= 0.2f; x += 0.00031f)
        {
            AssertRelative(Math.Tanh(x), Apply(width, x, Function.Tanh), x, "tanh");
        }

        for (float x = -30f; x <= 30f; x += 0.0071f)
        {
            AssertRelative(Math.Tanh(x), Apply(width, x, Function.Tanh), x, "tanh");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ExtremeArguments_SaturateAndNaNPropagates(int width)
    {
        Assert.Equal(1f, Apply(width, 1000f, Function.Sigmoid));
        Assert.InRange(Apply(width, -1000f, Function.Sigmoid), 0f, 1e-37f);
        Assert.Equal(1f, Apply(width, 1000f, Function.Tanh));
        Assert.Equal(-1f, Apply(width, -1000f, Function.Tanh));
        Assert.Equal(1f, Apply(width, float.PositiveInfinity, Function.Tanh));
        Assert.Equal(0f, Apply(width, 0f, Function.Tanh));
        Assert.True(float.IsNaN(Apply(width, float.NaN, Function.Sigmoid)));
        Assert.True(float.IsNaN(Apply(width, float.NaN, Function.Tanh)));
        Assert.True(float.IsNaN(Apply(width, float.NaN, Function.ExpOfNegated)));
    }

    private enum Function
    {
        ExpOfNegated,
        Sigmoid,
        Tanh,
    }

    /// <summary>The function of x in the last lane of a register whose other lanes hold other values.</summary>
    private static float Apply(int width, float x, Function function)
    {
        switch (width)
        {
            case 16:
                Vector512<float> v512 = Vector512.Create(0.5f).WithElement(15, x);
                return (function switch
                {
                    Function.ExpOfNegated => GateMath.ExpOfNegated(v512),
                    Function.Sigmoid => GateMath.Sigmoid(v512),
                    _ => GateMath.Tanh(v512),
                }).GetElement(15);
            case 8:
                Vector256<float> v256 = Vector256.Create(0.5f).WithElement(7, x);
                return (function switch
                {
                    Function.ExpOfNegated => GateMath.ExpOfNegated(v256),
                    Function.Sigmoid => GateMath.Sigmoid(v256),
                    _ => GateMath.Tanh(v256),
                }).GetElement(7);
            default:
                Vector128<float> v128 = Vector128.Create(0.5f).WithElement(3, x);
                return (function switch
                {
                    Function.ExpOfNegated => GateMath.ExpOfNegated(v128),
                    Function.Sigmoid => GateMath.Sigmoid(v128),
                    _ => GateMath.Tanh(v128),
                }).GetElement(3);
        }
    }

    private static void AssertRelative(double expected, float actual, float x, string name)
    {
        double error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-30);
        Assert.True(error <= RelativeTolerance, $"{name}({x:R}) = {actual:R}, expected {expected:R} (relative error {error:E2})");
    }
}
