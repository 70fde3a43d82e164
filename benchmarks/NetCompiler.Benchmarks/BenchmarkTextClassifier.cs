namespace NetCompiler.Benchmarks;

/// <summary>The text LSTM of the TextClassification sample, declared exactly as there.</summary>
[Network(BatchSize = 32, Seed = 7)]
[SequenceInput(100)]
[Embedding(10000, 64)]
[Lstm(64)]
[Dense(10, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam(ClipNorm = 1.0f)]
public partial class BenchmarkTextClassifier;
