using System;

namespace NetCompiler;

/// <summary>
/// Marks a partial class as a network the NetCompiler generator compiles. The layer attributes stacked on the
/// same declaration apply in the order they are written, Keras Sequential style.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The largest number of samples one training call takes; every buffer is sized for it.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The seed of the parameterless constructor's weight initialisation.</summary>
    public int Seed { get; set; }
}

/// <summary>The shape of one sample: channels-last images <c>(height, width, channels)</c> or vectors <c>(length)</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    public InputAttribute(int height, int width, int channels)
    {
        Shape = new[] { height, width, channels };
    }

    public InputAttribute(int length)
    {
        Shape = new[] { length };
    }

    public int[] Shape { get; }
}
