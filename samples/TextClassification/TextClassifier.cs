using NetCompiler;

namespace TextClassificationSample;

// The sequence network of the project: each fortune becomes 100 word ids, each id a learnt 64-number vector, and an
// LSTM reads the vectors in order; its last state picks one of the ten fortune files. ClipNorm keeps an occasional
// large recurrent gradient from throwing the weights off, a common guard when training LSTMs.
[Network(BatchSize = 32, Seed = 7)]
[SequenceInput(100)]
[Embedding(10000, 64)]
[Lstm(64)]
[Dense(10, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam(ClipNorm = 1.0f)]
public partial class TextClassifier;
