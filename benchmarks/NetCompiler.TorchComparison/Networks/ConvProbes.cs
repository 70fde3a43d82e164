namespace NetCompiler.TorchComparison;

// Each seed-CNN convolution on its own, so that its GFLOP/s can be measured: the same input shape, filters, kernel
// and fused ReLU as in BenchmarkCnn, followed by the same pooling and the smallest head the loss accepts
// (Dense(2) with softmax). The head costs under 6% of the convolution's FLOPs, and its time is counted against the
// convolution, so the GFLOP/s reported for a probe are a lower bound for the convolution itself.

/// <summary>The seed CNN's first convolution: 28×28×1 → 26×26×32, then pooling and a two-class head.</summary>
[Network(BatchSize = 32, Seed = 11)]
[Input(28, 28, 1)]
[Conv2D(32, 3, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(2, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class FirstConvProbe;

/// <summary>The seed CNN's second convolution: 13×13×32 → 11×11×64, then pooling and a two-class head.</summary>
[Network(BatchSize = 32, Seed = 12)]
[Input(13, 13, 32)]
[Conv2D(64, 3, Activation = Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(2, Activation = Activation.Softmax)]
[Loss(LossFunction.SparseCategoricalCrossEntropy)]
[Adam]
public partial class SecondConvProbe;
