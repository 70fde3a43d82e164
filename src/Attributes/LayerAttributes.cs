using System;

namespace NetCompiler;

/// <summary>The base of every layer attribute; the generator reads them in declaration order.</summary>
public abstract class LayerAttribute : Attribute
{
}

/// <summary>A 2-D convolution over channels-last images, with a kernel laid out [kh, kw, cin, cout] as in Keras.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2DAttribute : LayerAttribute
{
    public Conv2DAttribute(int filters, int kernelSize)
        : this(filters, kernelSize, kernelSize)
    {
    }

    public Conv2DAttribute(int filters, int kernelHeight, int kernelWidth)
    {
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
    }

    public int Filters { get; }

    public int KernelHeight { get; }

    public int KernelWidth { get; }

    /// <summary>The step between windows, in both directions. Default 1.</summary>
    public int Stride { get; set; } = 1;

    public Padding Padding { get; set; } = Padding.Valid;

    public Activation Activation { get; set; } = Activation.Linear;
}

/// <summary>Max pooling over square windows of channels-last images.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : LayerAttribute
{
    public MaxPool2DAttribute(int poolSize)
    {
        PoolSize = poolSize;
    }

    public int PoolSize { get; }

    /// <summary>The step between windows; 0 (the default) means the pool size, as in Keras.</summary>
    public int Stride { get; set; }

    public Padding Padding { get; set; } = Padding.Valid;
}

/// <summary>Flattens a (height, width, channels) tensor in Keras order: height, then width, then channel.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : LayerAttribute
{
}

/// <summary>A fully connected layer with a kernel laid out [in, out] as in Keras.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : LayerAttribute
{
    public DenseAttribute(int units)
    {
        Units = units;
    }

    public int Units { get; }

    public Activation Activation { get; set; } = Activation.Linear;
}

/// <summary>
/// Maps token ids to learned vectors: a table laid out [inputDim, outputDim] as in Keras, initialised uniform in
/// [-0.05, 0.05]. It must come right after <see cref="SequenceInputAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : LayerAttribute
{
    public EmbeddingAttribute(int inputDim, int outputDim)
    {
        InputDim = inputDim;
        OutputDim = outputDim;
    }

    /// <summary>The vocabulary size: ids run from 0 to inputDim - 1.</summary>
    public int InputDim { get; }

    public int OutputDim { get; }

    /// <summary>When true, id 0 is padding: LSTMs carry their state and output unchanged over such steps, as Keras.</summary>
    public bool MaskZero { get; set; }
}

/// <summary>
/// A Keras LSTM: gates i, f, c, o with sigmoid recurrent activation and tanh activation; kernel [in, 4·units],
/// recurrent kernel [units, 4·units], bias [4·units]; glorot_uniform kernel, orthogonal recurrent kernel, zero bias but
/// ones for the forget gate.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute : LayerAttribute
{
    public LstmAttribute(int units)
    {
        Units = units;
    }

    public int Units { get; }

    /// <summary>When true the layer outputs every step's hidden state (steps, units); otherwise only the last.</summary>
    public bool ReturnSequences { get; set; }
}

/// <summary>Activation functions applied after a layer.</summary>
public enum Activation
{
    Linear = 0,
    ReLU = 1,
    Sigmoid = 2,
    Tanh = 3,
    Softmax = 4,
}

/// <summary>Keras padding modes.</summary>
public enum Padding
{
    /// <summary>No padding: windows that do not fit are dropped (the output floors).</summary>
    Valid = 0,

    /// <summary>Output = ceil(input / stride); the odd padding pixel goes at the bottom and right.</summary>
    Same = 1,
}
