using System;
using System.Numerics.Tensors;

namespace NetCompiler;

/// <summary>Small element-wise helpers the generated code calls where no specialised loop pays.</summary>
public static class VectorMath
{
    /// <summary>destination += source, element-wise.</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> destination) =>
        TensorPrimitives.Add(destination, source, destination);

    /// <summary>values = 1 / (1 + e^-values), in place.</summary>
    public static void Sigmoid(Span<float> values) => TensorPrimitives.Sigmoid(values, values);

    /// <summary>values = tanh(values), in place.</summary>
    public static void Tanh(Span<float> values) => TensorPrimitives.Tanh(values, values);

    /// <summary>destination = tanh(source).</summary>
    public static void Tanh(ReadOnlySpan<float> source, Span<float> destination) => TensorPrimitives.Tanh(source, destination);

    /// <summary>destination *= source, element-wise.</summary>
    public static void Multiply(ReadOnlySpan<float> source, Span<float> destination) =>
        TensorPrimitives.Multiply(destination, source, destination);
}
