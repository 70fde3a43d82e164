namespace NetCompiler.Generators.Model;

/// <summary>What one sample between two layers holds.</summary>
internal enum ShapeKind
{
    /// <summary>A vector of floats: (length).</summary>
    Vector,

    /// <summary>A channels-last image of floats: (height, width, channels).</summary>
    Image,

    /// <summary>A sequence of float vectors: (steps, features), held as a (steps, 1, features) image.</summary>
    Sequence,

    /// <summary>A sequence of integer token ids: (steps).</summary>
    Tokens,
}

/// <summary>
/// The shape of one sample between two layers. Every kind is held as (height, width, channels): a vector is
/// (1, 1, length) and a sequence (steps, 1, features), so that a dense layer is a 1x1 convolution and shares its
/// kernels whether it sees one vector or one vector per time step.
/// </summary>
internal readonly record struct Shape(int Height, int Width, int Channels, ShapeKind Kind)
{
    public int Length => Height * Width * Channels;

    public bool IsImage => Kind == ShapeKind.Image;

    /// <summary>Steps of a sequence or of token ids.</summary>
    public int Steps => Height;

    public static Shape Image(int height, int width, int channels) => new(height, width, channels, ShapeKind.Image);

    public static Shape Vector(int length) => new(1, 1, length, ShapeKind.Vector);

    public static Shape Sequence(int steps, int features) => new(steps, 1, features, ShapeKind.Sequence);

    public static Shape Tokens(int steps) => new(steps, 1, 1, ShapeKind.Tokens);

    /// <summary>Keras' notation with the batch axis: (None, 26, 26, 32), (None, 100, 64) or (None, 128).</summary>
    public string ToKerasString() => Kind switch
    {
        ShapeKind.Image => $"(None, {Height}, {Width}, {Channels})",
        ShapeKind.Sequence => $"(None, {Height}, {Channels})",
        ShapeKind.Tokens => $"(None, {Height})",
        _ => $"(None, {Channels})",
    };

    public override string ToString() => Kind switch
    {
        ShapeKind.Image => $"({Height}, {Width}, {Channels})",
        ShapeKind.Sequence => $"({Height}, {Channels})",
        ShapeKind.Tokens => $"({Height}) token ids",
        _ => $"({Channels})",
    };
}
