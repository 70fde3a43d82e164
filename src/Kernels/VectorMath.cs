using System;
using System.Numerics.Tensors;

namespace NetCompiler;

/// <summary>Small element-wise helpers the generated code calls where no specialised loop pays.</summary>
public static class VectorMath
{
    /// <summary>destination += source, element-wise.</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> destination) =>
        TensorPrimitives.Add(destination, source, destination);
}
