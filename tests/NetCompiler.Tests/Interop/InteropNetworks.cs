using NetCompiler;

namespace NetCompiler.Tests.Interop;

// Networks the import tests load PyTorch and Keras weights into. Each has a PyTorch twin in
// Fixtures/make_torch_fixtures.py or in the reference code of TorchReference.cs.

/// <summary>
/// Height and width differ before the Flatten (4 x 3 x 4) and the first kernel is 3x2, so a swapped axis in the
/// Conv2d or the channel-first flatten conversion cannot pass; the second convolution pads Same with an even kernel.
/// </summary>
[Network(BatchSize = 3, Seed = 31)]
[Input(10, 7, 2)]
[Conv2D(3, 3, 2, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Conv2D(4, 2, Padding = Padding.Same, Activation = Activation.Tanh)]
[Flatten]
[Dense(5, Activation = Activation.Sigmoid)]
[Dense(3)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Sgd]
public partial class TorchCnn;

/// <summary>Two LSTMs of the same width: the two layers of one PyTorch nn.LSTM(3, 4, num_layers=2).</summary>
[Network(BatchSize = 3, Seed = 32)]
[Input(5, 3)]
[Lstm(4, ReturnSequences = true)]
[Lstm(4)]
[Dense(2)]
[Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
[Sgd]
public partial class TorchStackedLstm;

/// <summary>The text classifier of the sequence-model issue, at full size: its state_dict is about 2.7 MB.</summary>
[Network(BatchSize = 4, Seed = 33)]
[SequenceInput(100)]
[Embedding(10000, 64)]
[Lstm(64)]
[Dense(10, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class TorchTextLstm;
