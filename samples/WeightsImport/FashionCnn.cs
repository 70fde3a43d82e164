using NetCompiler;

namespace WeightsImportSample;

// The seed network of samples/FashionMnist, declared again here because an import needs a twin on each side:
// fashion_cnn() in train_pytorch.py builds the same layers in the same order, with PyTorch's defaults matching
// these (valid padding, floor-mode pooling). The training attributes are not used by this sample, but they keep
// the declaration identical to the one the FashionMnist sample trains, so checkpoints move between the two.
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
public partial class FashionCnn;
