using NetCompiler.Generators.Helpers;

namespace NetCompiler.Generators.Model;

/// <summary>
/// Everything the emitter needs to write one network, and nothing from Roslyn: no symbols, syntax or compilation, so
/// that the pipeline caches it and compares it by value. New members must stay immutable and equatable.
/// </summary>
internal sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    EquatableArray<string> ContainingTypes,
    int BatchSize,
    int Seed,
    Shape Input,
    EquatableArray<LayerSpec> Layers,
    LossSpec Loss,
    OptimizerSpec Optimizer)
{
    public Shape Output => Layers[Layers.Count - 1].Output;

    /// <summary>The element type of one sample in the generated API: token ids or floats.</summary>
    public string InputType => Input.Kind == ShapeKind.Tokens ? "int" : "float";
}

internal sealed record LossSpec(LossKind Kind, bool FromLogits);

/// <summary>Adam uses all four numbers; SGD uses the learning rate and <see cref="Momentum"/>.</summary>
internal sealed record OptimizerSpec(
    OptimizerKind Kind,
    float LearningRate,
    float Beta1,
    float Beta2,
    float Epsilon,
    float Momentum,
    float ClipNorm,
    float GlobalClipNorm);
