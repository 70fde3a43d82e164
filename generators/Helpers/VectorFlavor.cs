using System.Collections.Generic;

namespace NetCompiler.Generators.Helpers;

/// <summary>
/// One SIMD width the emitted kernels are written for. Each kernel is written once per flavor behind a descending
/// <c>IsHardwareAccelerated</c> chain; the JIT treats those checks as constants and keeps only one branch.
/// Expressions use the file's aliases V512, V256 and V128 for System.Runtime.Intrinsics.Vector512/256/128.
/// </summary>
internal sealed class VectorFlavor
{
    public static readonly VectorFlavor V512 = new(16, "V512");
    public static readonly VectorFlavor V256 = new(8, "V256");
    public static readonly VectorFlavor V128 = new(4, "V128");
    public static readonly VectorFlavor Scalar = new(1, "float");

    /// <summary>The flavors in the order the emitted chain tries them.</summary>
    public static readonly VectorFlavor[] Chain = { V512, V256, V128, Scalar };

    private VectorFlavor(int width, string name)
    {
        Width = width;
        Name = name;
    }

    /// <summary>Floats per vector; 1 for the scalar reference.</summary>
    public int Width { get; }

    public string Name { get; }

    public bool IsScalar => Width == 1;

    /// <summary>A short name for locals: x16, x8, x4, x1.</summary>
    public string Suffix => Width.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Load(string reference, string index) =>
        IsScalar ? $"Unsafe.Add(ref {reference}, {index})" : $"{Name}.LoadUnsafe(ref {reference}, (nuint)({index}))";

    public string Store(string value, string reference, string index) =>
        IsScalar ? $"Unsafe.Add(ref {reference}, {index}) = {value};" : $"{Name}.StoreUnsafe({value}, ref {reference}, (nuint)({index}));";

    public string Broadcast(string scalar) => IsScalar ? scalar : $"{Name}.Create({scalar})";

    /// <summary>a·b + c, fused where the hardware can; the scalar reference keeps the plain expression.</summary>
    public string MultiplyAdd(string a, string b, string c) =>
        IsScalar ? $"{c} + {a} * {b}" : $"{Name}.MultiplyAddEstimate({a}, {b}, {c})";

    public string Add(string a, string b) => IsScalar ? $"{a} + {b}" : $"{a} + {b}";

    /// <summary>ReLU that lets NaN through: IEEE maximum (MathF.Max and Vector.Max since .NET 9) propagates NaN.</summary>
    public string Relu(string value) => IsScalar ? $"MathF.Max({value}, 0f)" : $"{Name}.Max({value}, {Name}.Create(0f))";

    /// <summary>
    /// Splits <paramref name="channels"/> contiguous floats into vectors of this width, then narrower vectors and
    /// finally single floats for the remainder, so no channel count needs a scalar loop over most of its elements.
    /// </summary>
    public List<(int Offset, VectorFlavor Flavor)> Segments(int channels)
    {
        var segments = new List<(int, VectorFlavor)>();
        int offset = 0;
        foreach (VectorFlavor flavor in Chain)
        {
            if (flavor.Width > Width)
            {
                continue;
            }

            while (channels - offset >= flavor.Width)
            {
                segments.Add((offset, flavor));
                offset += flavor.Width;
            }
        }

        return segments;
    }
}
