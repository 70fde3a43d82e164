using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetCompiler;

/// <summary>
/// A dense float32 tensor read from another framework's file: its shape, outermost dimension first, and its values
/// in row-major (C) order, as PyTorch and NumPy lay out a contiguous tensor.
/// </summary>
public sealed class TensorData
{
    private readonly int[] _shape;
    private readonly float[] _values;

    /// <summary>Creates a tensor from a shape and its row-major values; both arrays are copied.</summary>
    /// <param name="shape">The dimensions, outermost first; empty for a scalar.</param>
    /// <param name="values">Exactly as many values as the product of <paramref name="shape"/>.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or the value count does not match.</exception>
    public TensorData(ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        long length = 1;
        foreach (int dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            length *= dimension;
            if (length > Array.MaxLength)
            {
                throw new ArgumentException(
                    $"A tensor of shape {Format(shape)} is too large for one array.", nameof(shape));
            }
        }

        if (values.Length != length)
        {
            throw new ArgumentException(
                $"A tensor of shape {Format(shape)} holds {length} values, but {values.Length} were given.",
                nameof(values));
        }

        _shape = shape.ToArray();
        _values = values.ToArray();
    }

    // Takes ownership of arrays the readers built, so a large tensor is not copied twice.
    private TensorData(int[] shape, float[] values)
    {
        _shape = shape;
        _values = values;
    }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The values in row-major order.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The number of values: the product of <see cref="Shape"/>.</summary>
    public int Length => _values.Length;

    /// <summary>The shape as PyTorch prints it, e.g. <c>[64, 32, 3, 3]</c>.</summary>
    public override string ToString() => Format(_shape);

    internal static TensorData Own(int[] shape, float[] values) => new(shape, values);

    internal ReadOnlySpan<int> ShapeSpan => _shape;

    internal static string Format(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
