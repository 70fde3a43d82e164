namespace NetCompiler.Generators.Model;

/// <summary>
/// The shape of one sample between two layers. Vectors are held as (1, 1, length) with <see cref="IsImage"/> false, so
/// that a dense layer is a 1x1 convolution over a 1x1 image and shares its kernels.
/// </summary>
internal readonly record struct Shape(int Height, int Width, int Channels, bool IsImage)
{
    public int Length => Height * Width * Channels;

    public static Shape Image(int height, int width, int channels) => new(height, width, channels, true);

    public static Shape Vector(int length) => new(1, 1, length, false);

    /// <summary>Keras' notation with the batch axis: (None, 26, 26, 32) or (None, 128).</summary>
    public string ToKerasString() => IsImage ? $"(None, {Height}, {Width}, {Channels})" : $"(None, {Channels})";

    public override string ToString() => IsImage ? $"({Height}, {Width}, {Channels})" : $"({Channels})";
}
