using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

/// <summary>
/// Generated source compared with reviewed golden files. The aim is to catch changes nobody meant to make, including
/// ones that only hurt readability, so every change to the emitter shows up here as a diff to review.
/// </summary>
public sealed class SnapshotTests
{
    // The seed network of the project: the Keras Fashion-MNIST CNN.
    private const string FashionCnn = """
        using NetCompiler;

        namespace Samples;

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
        """;

    // Same padding with stride 2 on an even size puts the odd padding row at the bottom only, the containing type
    // must be reopened by the generated file, and SGD with momentum and logits take the other training paths.
    private const string StridedNested = """
        using NetCompiler;

        namespace Samples.Nested
        {
            public partial class Zoo
            {
                [Network(BatchSize = 4, Seed = 7)]
                [Input(8, 8, 3)]
                [Conv2D(4, 3, Stride = 2, Padding = Padding.Same, Activation = Activation.ReLU)]
                [MaxPool2D(2)]
                [Flatten]
                [Dense(3)]
                [Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
                [Sgd(LearningRate = 0.05f, Momentum = 0.9f)]
                internal partial class StridedNet
                {
                }
            }
        }
        """;

    // The text classifier of the sequence-model issue, word for word: token ids, an embedding, one LSTM that returns
    // only its last output, Adam with per-tensor gradient clipping.
    private const string TextClassifier = """
        using NetCompiler;

        namespace Samples;

        [Network(BatchSize = 32, Seed = 7)]
        [SequenceInput(100)]
        [Embedding(10000, 64)]
        [Lstm(64)]
        [Dense(10, Activation = Activation.Softmax)]
        [Loss(LossFunction.SparseCategoricalCrossEntropy)]
        [Adam(ClipNorm = 1.0f)]
        public partial class TextClassifier;
        """;

    // Float sequences (sensor data) straight into stacked LSTMs, so the class also gets Step and ResetState. Unit
    // counts below one vector take the tail paths; logits, SGD and global clipping take the other training paths.
    private const string SensorStream = """
        using NetCompiler;

        namespace Samples;

        [Network(BatchSize = 4, Seed = 3)]
        [Input(20, 3)]
        [Lstm(8, ReturnSequences = true)]
        [Lstm(4)]
        [Dense(2)]
        [Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
        [Sgd(LearningRate = 0.05f, Momentum = 0.9f, GlobalClipNorm = 5f)]
        public partial class SensorStream;
        """;

    [Fact]
    public void FashionCnn_MatchesSnapshot() => AssertSnapshot(FashionCnn, "FashionCnn");

    [Fact]
    public void StridedSameSgdNested_MatchesSnapshot() => AssertSnapshot(StridedNested, "StridedNested");

    [Fact]
    public void TextClassifier_MatchesSnapshot() => AssertSnapshot(TextClassifier, "TextClassifier");

    [Fact]
    public void FloatSequenceStreaming_MatchesSnapshot() => AssertSnapshot(SensorStream, "SensorStream");

    private static void AssertSnapshot(string source, string name)
    {
        GeneratorRun run = GeneratorRunner.Run(source);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Snapshot.Match(WithoutVersion(run.SingleSourceText()), name);
    }

    /// <summary>The version changes with every build of the generator; the snapshot should not.</summary>
    private static string WithoutVersion(string source)
    {
        const string prefix = "GeneratedCode(\"NetCompiler.Generators\", \"";
        string replaced = Regex.Replace(source, Regex.Escape(prefix) + "[^\"]*\"", prefix + "%VERSION%\"");
        Assert.Contains("%VERSION%", replaced);
        return replaced;
    }
}
