namespace NetCompiler.Generators.Model;

/// <summary>
/// One layer with its concrete input and output shapes, resolved by the parser. Subtypes must stay immutable and
/// equatable (records of strings, numbers, enums and <see cref="Helpers.EquatableArray{T}"/>): the incremental
/// pipeline compares them to decide whether to generate again.
/// </summary>
internal abstract record LayerSpec(int Index, string Name, Shape Input, Shape Output)
{
    /// <summary>The Keras class name shown in the summary, e.g. Conv2D.</summary>
    public abstract string KerasType { get; }

    public virtual int ParameterCount => 0;
}

/// <summary>
/// A convolution; a Keras Dense layer is represented as a 1x1 convolution over a 1x1 image (<see cref="IsDense"/>),
/// whose kernel layout [1, 1, in, out] is exactly Dense's [in, out].
/// </summary>
internal sealed record ConvLayerSpec(
    int Index,
    string Name,
    Shape Input,
    Shape Output,
    bool IsDense,
    int KernelHeight,
    int KernelWidth,
    int Stride,
    PaddingKind Padding,
    int PadTop,
    int PadLeft,
    int PadBottom,
    int PadRight,
    ActivationKind Activation) : LayerSpec(Index, Name, Input, Output)
{
    public override string KerasType => IsDense ? "Dense" : "Conv2D";

    public int InChannels => Input.Channels;

    public int OutChannels => Output.Channels;

    public int KernelLength => KernelHeight * KernelWidth * InChannels * OutChannels;

    public override int ParameterCount => KernelLength + OutChannels;

    public bool IsPadded => PadTop + PadLeft + PadBottom + PadRight > 0;

    /// <summary>One pixel in and out: a Dense layer on a vector, whose loops need no spatial axes.</summary>
    public bool IsSinglePixel => Input.Height * Input.Width == 1;

    public int PaddedHeight => Input.Height + PadTop + PadBottom;

    public int PaddedWidth => Input.Width + PadLeft + PadRight;

    public int PaddedLength => PaddedHeight * PaddedWidth * InChannels;
}

/// <summary>Max pooling; windows that hang over a Same-padded border ignore the missing pixels, as Keras does.</summary>
internal sealed record MaxPoolLayerSpec(
    int Index,
    string Name,
    Shape Input,
    Shape Output,
    int PoolSize,
    int Stride,
    PaddingKind Padding,
    int PadTop,
    int PadLeft) : LayerSpec(Index, Name, Input, Output)
{
    public override string KerasType => "MaxPooling2D";
}

/// <summary>Flatten in Keras order (height, width, channel), which is already the memory order: it moves nothing.</summary>
internal sealed record FlattenLayerSpec(int Index, string Name, Shape Input, Shape Output)
    : LayerSpec(Index, Name, Input, Output)
{
    public override string KerasType => "Flatten";
}

/// <summary>Token ids to vectors: a lookup in a [inputDim, outputDim] table. With MaskZero, id 0 marks padding.</summary>
internal sealed record EmbeddingLayerSpec(
    int Index,
    string Name,
    Shape Input,
    Shape Output,
    int InputDim,
    int OutputDim,
    bool MaskZero) : LayerSpec(Index, Name, Input, Output)
{
    public override string KerasType => "Embedding";

    public override int ParameterCount => InputDim * OutputDim;
}

/// <summary>
/// A Keras LSTM: gates in the order i, f, c, o; kernel [in, 4·units], recurrent kernel [units, 4·units] and bias
/// [4·units]. <see cref="Masked"/> means an Embedding with MaskZero feeds the network, so padded steps carry the state.
/// </summary>
internal sealed record LstmLayerSpec(
    int Index,
    string Name,
    Shape Input,
    Shape Output,
    int Units,
    bool ReturnSequences,
    bool Masked) : LayerSpec(Index, Name, Input, Output)
{
    public override string KerasType => "LSTM";

    public int Steps => Input.Steps;

    public int Features => Input.Channels;

    public int Gates => 4 * Units;

    public int KernelLength => Features * Gates;

    public int RecurrentLength => Units * Gates;

    public override int ParameterCount => KernelLength + RecurrentLength + Gates;
}
