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

/// <summary>
/// The shape of one float sample: channels-last images <c>(height, width, channels)</c>, sequences
/// <c>(steps, features)</c> for recurrent layers, or vectors <c>(length)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    public InputAttribute(int height, int width, int channels)
    {
        Shape = new[] { height, width, channels };
    }

    public InputAttribute(int steps, int features)
    {
        Shape = new[] { steps, features };
    }

    public InputAttribute(int length)
    {
        Shape = new[] { length };
    }

    public int[] Shape { get; }
}

/// <summary>
/// Samples are sequences of <c>length</c> integer token ids; an <see cref="EmbeddingAttribute"/> must
/// follow. The generated members then take <c>ReadOnlySpan&lt;int&gt;</c> inputs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SequenceInputAttribute : Attribute
{
    public SequenceInputAttribute(int length)
    {
        Length = length;
    }

    public int Length { get; }
}
