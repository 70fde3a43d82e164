using NetCompiler;

namespace NetCompiler.Tests.Networks;

// Networks that exist to check the ONNX export: each reaches a translation path the networks in TestNetworks.cs do
// not (the text classifier at full size, sequence outputs, masks in any position, uneven Same windows).

/// <summary>The text classifier of the sequence-model issue, at its real size.</summary>
[Network(BatchSize = 32, Seed = 7)]
[SequenceInput(100)]
[Embedding(10000, 64)]
[Lstm(64)]
[Dense(10, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam(ClipNorm = 1.0f)]
public partial class TextLstm;

/// <summary>Two LSTMs returning sequences, then Dense per step and Flatten: the LSTM output Y, not Y_h.</summary>
[Network(BatchSize = 4, Seed = 21)]
[SequenceInput(6)]
[Embedding(13, 5)]
[Lstm(7, ReturnSequences = true)]
[Lstm(3, ReturnSequences = true)]
[Dense(4, Activation = Activation.ReLU)]
[Flatten]
[Dense(5, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class StackedSequenceLstm;

/// <summary>A masked embedding, Dense per step between it and two LSTMs, the first returning sequences.</summary>
[Network(BatchSize = 4, Seed = 22)]
[SequenceInput(7)]
[Embedding(10, 4, MaskZero = true)]
[Dense(5, Activation = Activation.Tanh)]
[Lstm(6, ReturnSequences = true)]
[Lstm(5)]
[Dense(3)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Sgd]
public partial class MaskedDenseLstm;

/// <summary>A masked LSTM whose every step reaches the output, so the state carried over masked steps shows.</summary>
[Network(BatchSize = 4, Seed = 23)]
[SequenceInput(5)]
[Embedding(8, 3, MaskZero = true)]
[Lstm(4, ReturnSequences = true)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class MaskedSequenceLstm;

/// <summary>An embedding with no LSTM: Gather, Flatten and Dense in batch-major order.</summary>
[Network(BatchSize = 4, Seed = 24)]
[SequenceInput(4)]
[Embedding(9, 3)]
[Flatten]
[Dense(2, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class EmbeddingOnly;

/// <summary>
/// Same windows that do not divide: an even 4x4 kernel with stride 3 on 10x11 (pads 1 before, 2 after in height),
/// and a Same pool of 3 with stride 2, whose last windows hang over the bottom and right.
/// </summary>
[Network(BatchSize = 3, Seed = 25)]
[Input(10, 11, 2)]
[Conv2D(4, 4, Stride = 3, Padding = Padding.Same, Activation = Activation.ReLU)]
[MaxPool2D(3, Stride = 2, Padding = Padding.Same)]
[Conv2D(3, 1, 2, Activation = Activation.Sigmoid)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class UnevenSameCnn;
