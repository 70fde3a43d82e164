using NetCompiler;

namespace NetCompiler.Tests.Networks;

// Networks the tests compile through the generator. Each exercises a different combination of layer options;
// sizes are small and deliberately uneven (7x7 inputs, odd channel counts) so every tail path runs.

/// <summary>The seed CNN of the Fashion-MNIST sample.</summary>
[Network(BatchSize = 32, Seed = 42)]
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(128, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.001f)]
public partial class SeedCnn;

/// <summary>Same padding with stride 2 on an odd input, a rectangular kernel, and a pool that does not divide.</summary>
[Network(BatchSize = 4, Seed = 3)]
[Input(7, 7, 3)]
[Conv2D(5, 3, Stride = 2, Padding = Padding.Same, Activation = Activation.Tanh)]
[Conv2D(19, 2, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
[MaxPool2D(2, Padding = Padding.Same)]
[Flatten]
[Dense(21, Activation = Activation.Sigmoid)]
[Dense(3, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.1f, Momentum = 0.9f)]
public partial class PaddedCnn;

/// <summary>Pool 2 on 5x5 (valid floors to 2x2), stride-2 valid convolution, logits output.</summary>
[Network(BatchSize = 3, Seed = 5)]
[Input(9, 9, 2)]
[Conv2D(17, 3, Stride = 2, Activation = Activation.ReLU)]
[MaxPool2D(2, Stride = 1)]
[MaxPool2D(2)]
[Flatten]
[Dense(4)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Sgd(LearningRate = 0.05f)]
public partial class StridedCnn;

/// <summary>A multilayer perceptron on vectors, every activation once.</summary>
[Network(BatchSize = 5, Seed = 11)]
[Input(13)]
[Dense(37, Activation = Activation.Tanh)]
[Dense(33, Activation = Activation.ReLU)]
[Dense(18, Activation = Activation.Sigmoid)]
[Dense(6, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class Perceptron;

/// <summary>The smallest network: checked against values computed by hand.</summary>
[Network(BatchSize = 2, Seed = 1)]
[Input(2)]
[Dense(2, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.5f)]
public partial class TinyDense;

/// <summary>A tiny network trained with Adam, for checking the optimizer against its formula.</summary>
[Network(BatchSize = 2, Seed = 2)]
[Input(3)]
[Dense(2)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Adam(LearningRate = 0.01f, Beta1 = 0.8f, Beta2 = 0.99f, Epsilon = 1e-6f)]
public partial class TinyAdam;

/// <summary>Pool 2 on 5x5: valid floors to 2x2 and drops the last row and column; a Linear convolution.</summary>
[Network(BatchSize = 3, Seed = 9)]
[Input(7, 7, 2)]
[Conv2D(6, 3)]
[MaxPool2D(2)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class FiveByFivePoolCnn;

/// <summary>Same pooling on 5x5 gives 3x3 with a one-pixel window at the bottom and right; Sigmoid convolutions.</summary>
[Network(BatchSize = 3, Seed = 10)]
[Input(7, 7, 2)]
[Conv2D(6, 3, Activation = Activation.Sigmoid)]
[MaxPool2D(2, Padding = Padding.Same)]
[Conv2D(9, 2, Padding = Padding.Same, Activation = Activation.Sigmoid)]
[Flatten]
[Dense(2)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Adam]
public partial class FiveByFiveSamePoolCnn;

/// <summary>Token ids through an embedding into an LSTM, with per-tensor gradient clipping.</summary>
[Network(BatchSize = 3, Seed = 12)]
[SequenceInput(5)]
[Embedding(11, 4)]
[Lstm(6)]
[Dense(3, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam(ClipNorm = 1.0f)]
public partial class TokenLstm;

/// <summary>Two stacked LSTMs over masked (zero-padded) token sequences.</summary>
[Network(BatchSize = 3, Seed = 13)]
[SequenceInput(4)]
[Embedding(9, 3, MaskZero = true)]
[Lstm(5, ReturnSequences = true)]
[Lstm(7)]
[Dense(4, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam(GlobalClipNorm = 0.5f)]
public partial class MaskedStackedLstm;

/// <summary>Float sequences (sensor data) into an LSTM that returns every step, then Dense per step and Flatten.</summary>
[Network(BatchSize = 2, Seed = 14)]
[Input(4, 3)]
[Lstm(5, ReturnSequences = true)]
[Dense(6, Activation = Activation.Tanh)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Sgd(LearningRate = 0.1f)]
public partial class SensorLstm;

/// <summary>One unit over two steps, for values worked out by hand.</summary>
[Network(BatchSize = 1, Seed = 1)]
[Input(2, 1)]
[Lstm(1)]
[Dense(2, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Sgd]
public partial class TinyLstm;

/// <summary>A streamable chain: Dense per step, two stacked LSTMs and a classifier, on float sequences.</summary>
[Network(BatchSize = 2, Seed = 15)]
[Input(6, 3)]
[Dense(4, Activation = Activation.Tanh)]
[Lstm(5, ReturnSequences = true)]
[Lstm(4)]
[Dense(3, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class StreamingLstm;

/// <summary>
/// A batch of nine masked sequences through stacked LSTMs whose unit counts leave vector tails (20 = 16 + 4, 7): the
/// recurrence runs samples in tiles of four (AVX-512) or two and single samples for the rest, all of which must agree.
/// </summary>
[Network(BatchSize = 9, Seed = 16)]
[SequenceInput(6)]
[Embedding(13, 5, MaskZero = true)]
[Lstm(20, ReturnSequences = true)]
[Lstm(7)]
[Dense(3, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WideBatchLstm;

/// <summary>
/// LSTMs of 64 and 48 units, whose recurrent kernels (64 and 36 KB) exceed a 32 KB L1 cache: inference on AVX-512
/// reads them from copies laid out by cache set. Float sequences; the first layer returns its sequence to the second.
/// </summary>
[Network(BatchSize = 6, Seed = 21)]
[Input(12, 5)]
[Lstm(64, ReturnSequences = true)]
[Lstm(48)]
[Dense(4)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Sgd(LearningRate = 0.05f)]
public partial class WideStackedLstm;

/// <summary>Masked token sequences into an LSTM of 64 units: the folded embedding and the mask with the copy of U laid out by cache set.</summary>
[Network(BatchSize = 5, Seed = 22)]
[SequenceInput(9)]
[Embedding(40, 8, MaskZero = true)]
[Lstm(64)]
[Dense(3, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WideMaskedTokenLstm;

/// <summary>
/// 3x3 stride-1 convolutions of uneven shapes, which inference computes its own way: channel counts that are not
/// multiples of 16, odd and non-square outputs (11x13 with Same padding, whose last tiles hang over the border),
/// a convolution feeding another, and pools of 3 and 2 that leave columns or rows unread (9x11 pooled by 3 reads 9x9;
/// 3x3 pooled by 2 reads 2x2).
/// </summary>
[Network(BatchSize = 3, Seed = 16)]
[Input(11, 13, 2)]
[Conv2D(9, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
[Conv2D(19, 3, Padding = Padding.Same, Activation = Activation.Tanh)]
[Conv2D(17, 3, Activation = Activation.ReLU)]
[MaxPool2D(3)]
[Conv2D(12, 3, Padding = Padding.Same, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(4, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class UnevenConvCnn;

/// <summary>Sigmoid and Linear 3x3 convolutions before pools that floor: 7x12 pooled by 2 reads 6x12, 3x6 reads 2x6.</summary>
[Network(BatchSize = 2, Seed = 17)]
[Input(9, 14, 8)]
[Conv2D(10, 3, Activation = Activation.Sigmoid)]
[MaxPool2D(2)]
[Conv2D(24, 3, Padding = Padding.Same)]
[MaxPool2D(2)]
[Flatten]
[Dense(3)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Sgd(LearningRate = 0.1f)]
public partial class FlooredPoolCnn;
