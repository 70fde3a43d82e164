using NetCompiler;

namespace FashionMnistSample;

// The seed network of the project: two convolution blocks and two dense layers. The generator writes the rest of
// the class (kernels, Fit, Evaluate, Save, Summary) at build time; attributes apply in the order they are written.
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
