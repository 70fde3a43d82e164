namespace NetCompiler.Generators.Model;

// These mirror the runtime enums of the same names by value. The generator cannot reference the runtime assembly
// (it targets netstandard2.0 and must not load user-facing code), so it reads attribute arguments as integers.

internal enum ActivationKind
{
    Linear = 0,
    ReLU = 1,
    Sigmoid = 2,
    Tanh = 3,
    Softmax = 4,
}

internal enum PaddingKind
{
    Valid = 0,
    Same = 1,
}

internal enum LossKind
{
    SparseCategoricalCrossEntropy = 0,
}

internal enum OptimizerKind
{
    Adam,
    Sgd,
}
