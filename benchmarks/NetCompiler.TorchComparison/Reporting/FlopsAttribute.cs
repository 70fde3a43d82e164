using System;

namespace NetCompiler.TorchComparison;

/// <summary>
/// How many floating-point operations one call of the benchmark method does (a multiply-add counts 2), so that
/// <see cref="GflopsColumn"/> can turn its mean time into GFLOP/s.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class FlopsAttribute(double perCall) : Attribute
{
    public double PerCall { get; } = perCall;
}

/// <summary>Marks the microkernels whose best GFLOP/s is taken as one core's peak by <see cref="PercentOfPeakColumn"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PeakReferenceAttribute : Attribute;

/// <summary>
/// Marks the ONNX Runtime case of a category, against which <see cref="VsOrtColumn"/> sets every other case of that
/// category.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class OrtReferenceAttribute : Attribute;
