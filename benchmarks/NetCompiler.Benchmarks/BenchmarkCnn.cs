namespace NetCompiler.Benchmarks;

/// <summary>The seed CNN of the Fashion-MNIST sample, declared exactly as there.</summary>
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
public partial class BenchmarkCnn;
