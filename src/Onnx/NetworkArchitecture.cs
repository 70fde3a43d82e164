using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NetCompiler;

/// <summary>What a layer's output is, by axes; mirrors the generator's shape kinds.</summary>
internal enum LayerShapeKind
{
    /// <summary>(length): one vector per sample.</summary>
    Vector,

    /// <summary>(height, width, channels): a channels-last image.</summary>
    Image,

    /// <summary>(steps, features): float vectors over time.</summary>
    Sequence,

    /// <summary>(steps): integer token ids.</summary>
    Tokens,
}

/// <summary>The shape of one sample; unused axes are 1 (a sequence keeps its steps in <see cref="Height"/>).</summary>
internal readonly record struct LayerShape(LayerShapeKind Kind, int Height, int Width, int Channels)
{
    public int Steps => Height;

    public long Length => (long)Height * Width * Channels;

    public static LayerShape Vector(int length) => new(LayerShapeKind.Vector, 1, 1, length);

    public static LayerShape Image(int height, int width, int channels) =>
        new(LayerShapeKind.Image, height, width, channels);

    public static LayerShape Sequence(int steps, int features) => new(LayerShapeKind.Sequence, steps, 1, features);

    public static LayerShape Tokens(int steps) => new(LayerShapeKind.Tokens, steps, 1, 1);

    public override string ToString() => Kind switch
    {
        LayerShapeKind.Image => $"({Height}, {Width}, {Channels})",
        LayerShapeKind.Sequence => $"({Height}, {Channels})",
        LayerShapeKind.Tokens => $"({Height}) token ids",
        _ => $"({Channels})",
    };
}

/// <summary>
/// One layer of a parsed architecture, with its Keras name (conv2d, dense_1, ...), its shapes and where its
/// parameters start in the flat parameter array.
/// </summary>
internal abstract record ArchitectureLayer(string Name, LayerShape Input, LayerShape Output, int Offset)
{
    public virtual int ParameterCount => 0;
}

/// <summary>Conv2D with kernel [kh, kw, cin, cout] then bias [cout]; pads already resolved by Keras' rule.</summary>
internal sealed record Conv2DLayer(
    string Name, LayerShape Input, LayerShape Output, int Offset, int KernelHeight, int KernelWidth, int Stride,
    int PadTop, int PadLeft, int PadBottom, int PadRight, Activation Activation)
    : ArchitectureLayer(Name, Input, Output, Offset)
{
    public int KernelLength => KernelHeight * KernelWidth * Input.Channels * Output.Channels;

    public override int ParameterCount => KernelLength + Output.Channels;
}

/// <summary>Dense with kernel [in, out] then bias [out]; on a sequence it applies to every step.</summary>
internal sealed record DenseLayer(string Name, LayerShape Input, LayerShape Output, int Offset, Activation Activation)
    : ArchitectureLayer(Name, Input, Output, Offset)
{
    public int InputUnits => Input.Channels;

    public int Units => Output.Channels;

    public override int ParameterCount => InputUnits * Units + Units;
}

/// <summary>Max pooling over square windows; Same pads by Keras' rule, the odd pixel at the bottom and right.</summary>
internal sealed record MaxPool2DLayer(
    string Name, LayerShape Input, LayerShape Output, int Offset, int PoolSize, int Stride,
    int PadTop, int PadLeft, int PadBottom, int PadRight)
    : ArchitectureLayer(Name, Input, Output, Offset);

/// <summary>Flatten in Keras order: (height, width, channels) or (steps, features).</summary>
internal sealed record FlattenLayer(string Name, LayerShape Input, LayerShape Output, int Offset)
    : ArchitectureLayer(Name, Input, Output, Offset);

/// <summary>A table [inputDim, outputDim] looked up by token id; with MaskZero, id 0 is padding.</summary>
internal sealed record EmbeddingLayer(
    string Name, LayerShape Input, LayerShape Output, int Offset, int InputDim, bool MaskZero)
    : ArchitectureLayer(Name, Input, Output, Offset)
{
    public int OutputDim => Output.Channels;

    public override int ParameterCount => InputDim * OutputDim;
}

/// <summary>
/// A Keras LSTM: kernel [features, 4U], recurrent kernel [U, 4U], bias [4U], gates i, f, c, o. Masked means an
/// Embedding with MaskZero feeds the network: steps whose token id is 0 carry the state over unchanged.
/// </summary>
internal sealed record LstmLayer(
    string Name, LayerShape Input, LayerShape Output, int Offset, int Units, bool ReturnSequences, bool Masked)
    : ArchitectureLayer(Name, Input, Output, Offset)
{
    public int Features => Input.Channels;

    public int KernelLength => Features * 4 * Units;

    public int RecurrentOffset => Offset + KernelLength;

    public int BiasOffset => RecurrentOffset + Units * 4 * Units;

    public override int ParameterCount => KernelLength + Units * 4 * Units + 4 * Units;
}

/// <summary>
/// A network's layers read back from its <c>Architecture</c> fingerprint: the string every generated class carries
/// (and checkpoints store), such as <c>Input(28, 28, 1)|Conv2D(32,3x3,1,Valid,ReLU)|...|Dense(10,Softmax)</c>.
/// </summary>
/// <remarks>
/// The parser is deliberately strict: any text it does not recognise, any layer that does not fit the shape before
/// it, and any size that does not fit an int is an <see cref="ArgumentException"/> naming the part at fault. It
/// re-derives every shape with the generator's rules (Keras' rules), because an exporter that guessed would write a
/// model that loads and silently computes something else.
/// NOTE: the grammar mirrors <c>Fingerprint</c> in generators/NetworkGenerator.Emitter.cs; keep the two in sync.
/// </remarks>
internal sealed partial record NetworkArchitecture(LayerShape Input, IReadOnlyList<ArchitectureLayer> Layers)
{
    public LayerShape Output => Layers.Count == 0 ? Input : Layers[^1].Output;

    public int ParameterCount => Layers.Count == 0 ? 0 : Layers[^1].Offset + Layers[^1].ParameterCount;

    public static NetworkArchitecture Parse(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        string[] parts = architecture.Split('|');
        LayerShape input = ParseInput(architecture, parts[0]);
        var layers = new List<ArchitectureLayer>(parts.Length - 1);
        var nameCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        LayerShape current = input;
        long offset = 0;
        bool masked = false;
        for (int i = 1; i < parts.Length; i++)
        {
            string part = parts[i];
            string name = NextName(nameCounts, BaseName(part));
            if (current.Kind == LayerShapeKind.Tokens && !part.StartsWith("Embedding(", StringComparison.Ordinal))
            {
                throw Error(architecture, i, part, "token ids must go into an Embedding first");
            }

            ArchitectureLayer layer = ParseLayer(architecture, i, part, name, current, (int)offset, masked);
            if (layer is Conv2DLayer { Activation: Activation.Softmax } or DenseLayer { Activation: Activation.Softmax }
                && i != parts.Length - 1)
            {
                throw Error(architecture, i, part, "Softmax is only supported on the last layer");
            }

            offset += layer.ParameterCount;
            if (offset > int.MaxValue)
            {
                throw Error(architecture, i, part, "the parameters up to here do not fit in an array");
            }

            layers.Add(layer);
            current = layer.Output;
            masked |= layer is EmbeddingLayer { MaskZero: true };
        }

        if (input.Kind == LayerShapeKind.Tokens && layers.Count == 0)
        {
            throw new ArgumentException(
                $"The architecture '{architecture}' takes token ids but has no Embedding to turn them into vectors.",
                nameof(architecture));
        }

        return new NetworkArchitecture(input, layers);
    }

    private static LayerShape ParseInput(string architecture, string part)
    {
        Match tokens = TokensInputPattern().Match(part);
        if (tokens.Success)
        {
            return LayerShape.Tokens(Positive(architecture, 0, part, tokens.Groups[1].Value));
        }

        Match m = InputPattern().Match(part);
        if (!m.Success)
        {
            throw Error(architecture, 0, part,
                "expected the input first: Input(length), Input(steps, features), Input(height, width, channels) " +
                "or SequenceInput(steps) token ids");
        }

        int a = Positive(architecture, 0, part, m.Groups[1].Value);
        if (!m.Groups[2].Success)
        {
            return LayerShape.Vector(a);
        }

        int b = Positive(architecture, 0, part, m.Groups[2].Value);
        if (!m.Groups[3].Success)
        {
            return LayerShape.Sequence(a, b);
        }

        LayerShape image = LayerShape.Image(a, b, Positive(architecture, 0, part, m.Groups[3].Value));
        return image.Length <= int.MaxValue ? image : throw Error(architecture, 0, part, "the input is too large");
    }

    private static ArchitectureLayer ParseLayer(
        string architecture, int index, string part, string name, LayerShape input, int offset, bool masked)
    {
        int P(Group g) => Positive(architecture, index, part, g.Value);
        Match m;
        ArchitectureLayer layer;
        if ((m = Conv2DPattern().Match(part)).Success)
        {
            Need(input.Kind == LayerShapeKind.Image, "Conv2D needs an image (height, width, channels)");
            int filters = P(m.Groups[1]), kh = P(m.Groups[2]), kw = P(m.Groups[3]), stride = P(m.Groups[4]);
            bool same = m.Groups[5].Value == "Same";
            Window(input.Height, kh, stride, same, out int oh, out int top, out int bottom);
            Window(input.Width, kw, stride, same, out int ow, out int left, out int right);
            Need(oh > 0 && ow > 0, $"the {kh}x{kw} kernel is larger than the {input.Height}x{input.Width} input");
            layer = new Conv2DLayer(name, input, LayerShape.Image(oh, ow, filters), offset, kh, kw, stride,
                top, left, bottom, right, ParseActivation(m.Groups[6].Value));
        }
        else if ((m = MaxPool2DPattern().Match(part)).Success)
        {
            Need(input.Kind == LayerShapeKind.Image, "MaxPool2D needs an image (height, width, channels)");
            int pool = P(m.Groups[1]), stride = P(m.Groups[2]);
            bool same = m.Groups[3].Value == "Same";
            Window(input.Height, pool, stride, same, out int oh, out int top, out int bottom);
            Window(input.Width, pool, stride, same, out int ow, out int left, out int right);
            Need(oh > 0 && ow > 0, $"the {pool}x{pool} pool is larger than the {input.Height}x{input.Width} input");
            layer = new MaxPool2DLayer(name, input, LayerShape.Image(oh, ow, input.Channels), offset, pool, stride,
                top, left, bottom, right);
        }
        else if (part == "Flatten")
        {
            Need(input.Kind is LayerShapeKind.Image or LayerShapeKind.Sequence, "Flatten needs an image or a sequence");
            layer = new FlattenLayer(name, input, LayerShape.Vector((int)input.Length), offset);
        }
        else if ((m = DensePattern().Match(part)).Success)
        {
            Need(input.Kind is LayerShapeKind.Vector or LayerShapeKind.Sequence,
                "Dense needs a vector or a sequence (add Flatten)");
            int units = P(m.Groups[1]);
            LayerShape output = input.Kind == LayerShapeKind.Sequence
                ? LayerShape.Sequence(input.Steps, units)
                : LayerShape.Vector(units);
            layer = new DenseLayer(name, input, output, offset, ParseActivation(m.Groups[2].Value));
        }
        else if ((m = EmbeddingPattern().Match(part)).Success)
        {
            Need(input.Kind == LayerShapeKind.Tokens, "Embedding needs token ids: it must follow SequenceInput");
            layer = new EmbeddingLayer(name, input, LayerShape.Sequence(input.Steps, P(m.Groups[2])), offset,
                P(m.Groups[1]), m.Groups[3].Value == "mask");
        }
        else if ((m = LstmPattern().Match(part)).Success)
        {
            Need(input.Kind == LayerShapeKind.Sequence, "LSTM needs a sequence (steps, features)");
            int units = P(m.Groups[1]);
            bool sequences = m.Groups[2].Value == "sequences";
            layer = new LstmLayer(name, input,
                sequences ? LayerShape.Sequence(input.Steps, units) : LayerShape.Vector(units), offset, units,
                sequences, masked);
        }
        else
        {
            throw Error(architecture, index, part,
                "not a layer the ONNX exporter knows (Conv2D, MaxPool2D, Flatten, Dense, Embedding, LSTM, written as " +
                "in a generated network's Architecture constant)");
        }

        // Parameter counts are checked in long arithmetic before anything reads them as int: a count that wrapped
        // would slice the wrong weights.
        Need(layer.Output.Length <= int.MaxValue && Fits(layer), "the layer is too large");
        return layer;

        void Need(bool condition, string reason)
        {
            if (!condition)
            {
                throw Error(architecture, index, part, $"{reason}; its input is {input}");
            }
        }
    }

    private static bool Fits(ArchitectureLayer layer) => layer switch
    {
        Conv2DLayer c => (long)c.KernelHeight * c.KernelWidth * c.Input.Channels * c.Output.Channels + c.Output.Channels
            <= int.MaxValue,
        DenseLayer d => (long)d.InputUnits * d.Units + d.Units <= int.MaxValue,
        EmbeddingLayer e => (long)e.InputDim * e.OutputDim <= int.MaxValue,
        LstmLayer l => 4L * l.Units * (l.Features + l.Units + 1L) <= int.MaxValue,
        _ => true,
    };

    /// <summary>
    /// Keras' output size and padding along one axis: Valid floors; Same gives ceil(input / stride) and puts the odd
    /// padding pixel after (bottom or right). The generator's parser applies the same rule.
    /// </summary>
    private static void Window(
        int input, int window, int stride, bool same, out int output, out int before, out int after)
    {
        before = after = 0;
        if (!same)
        {
            output = input >= window ? (int)(((long)input - window) / stride + 1) : 0;
            return;
        }

        output = (int)(((long)input + stride - 1) / stride);
        long padding = Math.Max((long)(output - 1) * stride + window - input, 0);
        if (padding > int.MaxValue / 2)
        {
            output = 0;
            return;
        }

        before = (int)(padding / 2);
        after = (int)(padding - before);
    }

    private static Activation ParseActivation(string text) => Enum.Parse<Activation>(text);

    private static int Positive(string architecture, int index, string part, string digits)
    {
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
        {
            throw Error(architecture, index, part, $"'{digits}' is not a size from 1 to {int.MaxValue}");
        }

        return value;
    }

    private static string BaseName(string part) => part switch
    {
        _ when part.StartsWith("Conv2D(", StringComparison.Ordinal) => "conv2d",
        _ when part.StartsWith("MaxPool2D(", StringComparison.Ordinal) => "max_pooling2d",
        _ when part.StartsWith("Dense(", StringComparison.Ordinal) => "dense",
        _ when part.StartsWith("Embedding(", StringComparison.Ordinal) => "embedding",
        _ when part.StartsWith("LSTM(", StringComparison.Ordinal) => "lstm",
        _ => "flatten",
    };

    // Keras names: conv2d, conv2d_1, dense, ... as the generator names checkpoint tensors and summary rows.
    private static string NextName(Dictionary<string, int> counts, string baseName)
    {
        counts.TryGetValue(baseName, out int count);
        counts[baseName] = count + 1;
        return count == 0 ? baseName : baseName + "_" + count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// An error's message without the "(Parameter 'x')" the runtime appends, for callers that wrap it in an
    /// ArgumentException of their own about the same parameter, so the name is said once.
    /// </summary>
    internal static string MessageOnly(ArgumentException error)
    {
        string suffix = error.ParamName is null ? string.Empty : $" (Parameter '{error.ParamName}')";
        return suffix.Length > 0 && error.Message.EndsWith(suffix, StringComparison.Ordinal)
            ? error.Message[..^suffix.Length]
            : error.Message;
    }

    private static ArgumentException Error(string architecture, int index, string part, string reason) => new(
        (index == 0 ? $"The input '{part}'" : $"Layer {index}, '{part}',") +
        $" of the architecture '{architecture}' cannot be read: {reason}.",
        nameof(architecture));

    // Digits only (no signs, spaces or exponents), so that nothing but the generator's own text parses.
    [GeneratedRegex(@"^Input\(([0-9]+)(?:, ([0-9]+))?(?:, ([0-9]+))?\)\z", RegexOptions.CultureInvariant)]
    private static partial Regex InputPattern();

    [GeneratedRegex(@"^SequenceInput\(([0-9]+)\) token ids\z", RegexOptions.CultureInvariant)]
    private static partial Regex TokensInputPattern();

    [GeneratedRegex(@"^Conv2D\(([0-9]+),([0-9]+)x([0-9]+),([0-9]+),(Valid|Same),(Linear|ReLU|Sigmoid|Tanh|Softmax)\)\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Conv2DPattern();

    [GeneratedRegex(@"^MaxPool2D\(([0-9]+),([0-9]+),(Valid|Same)\)\z", RegexOptions.CultureInvariant)]
    private static partial Regex MaxPool2DPattern();

    [GeneratedRegex(@"^Dense\(([0-9]+),(Linear|ReLU|Sigmoid|Tanh|Softmax)\)\z", RegexOptions.CultureInvariant)]
    private static partial Regex DensePattern();

    [GeneratedRegex(@"^Embedding\(([0-9]+),([0-9]+),(mask|nomask)\)\z", RegexOptions.CultureInvariant)]
    private static partial Regex EmbeddingPattern();

    [GeneratedRegex(@"^LSTM\(([0-9]+),(sequences|last)\)\z", RegexOptions.CultureInvariant)]
    private static partial Regex LstmPattern();
}
