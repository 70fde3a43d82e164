using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

/// <summary>
/// One or more declarations per diagnostic id. Each marks where the diagnostic must point with <c>[|...|]</c>, so a
/// diagnostic that moves to the wrong attribute fails as surely as one that disappears.
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string DefaultTraining = """
        [Loss(LossFunction.SparseCategoricalCrossEntropy)]
        [Adam]
        """;

    private const string Classifier = "[Dense(2, Activation = Activation.Softmax)]";

    // ---------------------------------------------------------------------------------------------------------------
    // The class itself: NC0009, NC0012, NC0010

    [Fact]
    public void NotPartial_ReportsNC0009OnClassName() =>
        AssertDiagnostics(Network(Classifier, input: "[Input(4)]", declaration: "public class [|Net|] { }"), "NC0009");

    [Fact]
    public void ContainingTypeNotPartial_ReportsNC0009NamingIt()
    {
        const string source = """
            using NetCompiler;

            namespace Tests;

            public class Outer
            {
                [Network]
                [Input(4)]
                [Dense(2, Activation = Activation.Softmax)]
                [Loss(LossFunction.SparseCategoricalCrossEntropy)]
                [Adam]
                public partial class [|Net|] { }
            }
            """;

        AssertDiagnostics(source, "NC0009", messageContains: "containing type 'Outer'");
    }

    [Theory]
    [InlineData("public static partial class [|Net|] { }", "static")]
    [InlineData("public abstract partial class [|Net|] { }", "abstract")]
    [InlineData("public partial record [|Net|];", "a record")]
    [InlineData("public partial record class [|Net|];", "a record")]
    public void StaticAbstractOrRecord_ReportsNC0022OnTheName(string declaration, string kind) =>
        AssertDiagnostics(Network(Classifier, input: "[Input(4)]", declaration: declaration), "NC0022", messageContains: "is " + kind);

    [Fact]
    public void LossCastToAnUndefinedValue_ReportsNC0014OnTheLoss() =>
        AssertDiagnostics(
            Network(Classifier, input: "[Input(4)]", training: "[[|Loss((LossFunction)5)|]]\n[Adam]"),
            "NC0014", messageContains: "LossFunction");

    [Fact]
    public void GenericClass_ReportsNC0012() =>
        AssertDiagnostics(
            Network(Classifier, input: "[Input(4)]", declaration: "public partial class [|Net|]<T> { }"), "NC0012");

    [Fact]
    public void GenericContainingType_ReportsNC0012Once()
    {
        const string source = """
            using NetCompiler;

            namespace Tests;

            public partial class Outer<T>
            {
                [Network]
                [Input(4)]
                [Dense(2, Activation = Activation.Softmax)]
                [Loss(LossFunction.SparseCategoricalCrossEntropy)]
                [Adam]
                public partial class [|Net|] { }
            }
            """;

        AssertDiagnostics(source, "NC0012");
    }

    [Fact]
    public void LayersOnTwoPartialDeclarations_ReportsNC0010()
    {
        const string source = """
            using NetCompiler;

            namespace Tests;

            [Network]
            [Input(16)]
            [Dense(8, Activation = Activation.ReLU)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class [|Net|] { }

            [Dense(2, Activation = Activation.Softmax)]
            public partial class Net { }
            """;

        AssertDiagnostics(source, "NC0010");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Input and layer count: NC0001, NC0011

    [Fact]
    public void NoInput_ReportsNC0001OnNetwork() =>
        AssertDiagnostics(Network(Classifier, network: "[[|Network(BatchSize = 8)|]]", input: ""), "NC0001");

    [Fact]
    public void NoLayers_ReportsNC0011OnInput() =>
        AssertDiagnostics(Network("", input: "[[|Input(28, 28, 1)|]]"), "NC0011");

    // ---------------------------------------------------------------------------------------------------------------
    // Shapes: NC0002, NC0004

    [Theory]
    [InlineData("[Input(4, 4, 1)]", "[[|Conv2D(8, 5)|]] [Flatten]", "the 5x5 kernel is larger than the 4x4 input")]
    [InlineData("[Input(4, 9, 1)]", "[[|Conv2D(8, 2, 10)|]] [Flatten]", "the 2x10 kernel is larger than the 4x9 input")]
    [InlineData("[Input(4, 4, 1)]", "[[|MaxPool2D(5)|]] [Flatten]", "the 5x5 pool is larger than the 4x4 input")]
    [InlineData("[Input(16)]", "[[|Conv2D(8, 3)|]]", "Conv2D needs an image")]
    [InlineData("[Input(16)]", "[Dense(8)] [[|Conv2D(8, 3)|]]", "Conv2D needs an image")]
    [InlineData("[Input(16)]", "[[|MaxPool2D(2)|]]", "MaxPool2D needs an image")]
    [InlineData("[Input(16)]", "[[|Flatten|]]", "remove [Flatten]")]
    [InlineData("[Input(4, 4, 1)]", "[Flatten] [[|Flatten|]]", "remove [Flatten]")]
    public void LayerDoesNotFitItsInput_ReportsNC0002OnTheLayer(string input, string layers, string message) =>
        AssertDiagnostics(Network(layers + " " + Classifier, input: input), "NC0002", messageContains: message);

    [Fact]
    public void DenseOnImageInput_ReportsNC0004SayingToAddFlatten() =>
        AssertDiagnostics(
            Network("[[|Dense(10, Activation = Activation.Softmax)|]]", input: "[Input(28, 28, 1)]"),
            "NC0004",
            messageContains: "receives the image (28, 28, 1): add [Flatten] before it");

    [Fact]
    public void DenseAfterConv_ReportsNC0004SayingToAddFlatten() =>
        AssertDiagnostics(
            Network("[Conv2D(8, 3)] [MaxPool2D(2)] [[|Dense(10, Activation = Activation.Softmax)|]]"),
            "NC0004",
            messageContains: "Layer 3 (Dense) receives the image (13, 13, 8): add [Flatten] before it");

    // ---------------------------------------------------------------------------------------------------------------
    // Sizes: NC0003

    [Theory]
    [InlineData("[[|Conv2D(0, 3)|]] [Flatten]", "Filters of layer 1 ([Conv2D(0, 3)]) must be positive, but is 0")]
    [InlineData("[[|Conv2D(-4, 3)|]] [Flatten]", "Filters")]
    [InlineData("[[|Conv2D(8, 0, 3)|]] [Flatten]", "Kernel height")]
    [InlineData("[[|Conv2D(8, 3, -1)|]] [Flatten]", "Kernel width")]
    [InlineData("[[|Conv2D(8, 3, Stride = 0)|]] [Flatten]", "Stride")]
    [InlineData("[[|Conv2D(8, 3, Stride = -2)|]] [Flatten]", "Stride")]
    [InlineData("[Flatten] [[|Dense(0)|]]", "Units of layer 2 ([Dense(0)]) must be positive, but is 0")]
    [InlineData("[Flatten] [[|Dense(-10)|]]", "Units")]
    [InlineData("[[|MaxPool2D(2, Stride = -1)|]] [Flatten]", "Stride")]
    public void NonPositiveLayerSize_ReportsNC0003OnTheLayer(string layers, string message) =>
        AssertDiagnostics(Network(layers + " " + Classifier), "NC0003", messageContains: message);

    [Fact]
    public void NonPositiveKernelSize_ReportsNC0003ForHeightAndWidth() =>
        AssertDiagnostics(Network("[[|Conv2D(8, -3)|]] [Flatten] " + Classifier), "NC0003", perMarker: 2);

    [Fact]
    public void ZeroPoolSize_ReportsNC0003ForPoolAndTheStrideItImplies() =>
        // The default stride is the pool size, so a zero pool also makes a zero stride.
        AssertDiagnostics(Network("[[|MaxPool2D(0)|]] [Flatten] " + Classifier), "NC0003", perMarker: 2);

    [Theory]
    [InlineData("[[|Network(BatchSize = 0)|]]", "BatchSize of [Network] must be positive, but is 0")]
    [InlineData("[[|Network(BatchSize = -32, Seed = 1)|]]", "but is -32")]
    public void NonPositiveBatchSize_ReportsNC0003OnNetwork(string network, string message) =>
        AssertDiagnostics(Network("[Flatten] " + Classifier, network: network), "NC0003", messageContains: message);

    [Theory]
    [InlineData("[[|Input(0, 28, 1)|]]", "Height of [Input] must be positive, but is 0")]
    [InlineData("[[|Input(28, -28, 1)|]]", "Width")]
    [InlineData("[[|Input(28, 28, 0)|]]", "Channels")]
    [InlineData("[[|Input(0)|]]", "Length of [Input] must be positive, but is 0")]
    [InlineData("[[|Input(int.MinValue)|]]", "Length")]
    public void NonPositiveInputSize_ReportsNC0003OnInput(string input, string message) =>
        AssertDiagnostics(Network("[Flatten] " + Classifier, input: input), "NC0003", messageContains: message);

    [Fact]
    public void AllInputDimensionsZero_ReportsNC0003ForEach() =>
        AssertDiagnostics(Network("[Flatten] " + Classifier, input: "[[|Input(0, 0, 0)|]]"), "NC0003", perMarker: 3);

    // ---------------------------------------------------------------------------------------------------------------
    // Activations and loss: NC0005, NC0006

    [Theory]
    [InlineData("[Flatten] [[|Dense(8, Activation = Activation.Softmax)|]] " + Classifier)]
    [InlineData("[[|Conv2D(4, 3, Activation = Activation.Softmax)|]] [Flatten] " + Classifier)]
    public void SoftmaxOnHiddenLayer_ReportsNC0005(string layers) => AssertDiagnostics(Network(layers), "NC0005");

    [Theory]
    [InlineData("[Dense(2, Activation = Activation.Softmax)]", "FromLogits = true", "needs a Linear last layer")]
    [InlineData("[Dense(2, Activation = Activation.ReLU)]", "FromLogits = true", "its activation is ReLU")]
    [InlineData("[Dense(2)]", "", "activation is Linear, so its outputs are not probabilities")]
    [InlineData("[Dense(2, Activation = Activation.Sigmoid)]", "", "activation is Sigmoid")]
    public void LossDoesNotFitLastLayer_ReportsNC0006OnLoss(string last, string lossOptions, string message)
    {
        string options = lossOptions.Length == 0 ? "" : ", " + lossOptions;
        string training = $"[[|Loss(LossFunction.SparseCategoricalCrossEntropy{options})|]]\n[Adam]";
        AssertDiagnostics(
            Network("[Flatten] " + last, training: training), "NC0006", messageContains: message);
    }

    [Theory]
    [InlineData("[Flatten]", "outputs (784)")]
    [InlineData("[Conv2D(2, 3, Activation = Activation.Softmax)]", "outputs (26, 26, 2)")]
    [InlineData("[MaxPool2D(2)]", "outputs (14, 14, 1)")]
    public void LastLayerNotDense_ReportsNC0006OnLoss(string last, string message) =>
        AssertDiagnostics(
            Network(last, training: "[[|Loss(LossFunction.SparseCategoricalCrossEntropy)|]]\n[Adam]"),
            "NC0006",
            messageContains: message);

    // ---------------------------------------------------------------------------------------------------------------
    // Training setup: NC0007, NC0008, NC0015

    [Fact]
    public void MissingLoss_ReportsNC0007OnNetwork() =>
        AssertDiagnostics(
            Network("[Flatten] " + Classifier, network: "[[|Network|]]", training: "[Adam]"),
            "NC0007",
            messageContains: "has no loss: add [Loss(LossFunction.SparseCategoricalCrossEntropy)]");

    [Fact]
    public void MissingOptimizer_ReportsNC0007OnNetwork() =>
        AssertDiagnostics(
            Network(
                "[Flatten] " + Classifier,
                network: "[[|Network|]]",
                training: "[Loss(LossFunction.SparseCategoricalCrossEntropy)]"),
            "NC0007",
            messageContains: "has no optimizer: add [Adam] or [Sgd]");

    [Fact]
    public void MissingLossAndOptimizer_ReportsNC0007ForEach() =>
        AssertDiagnostics(
            Network("[Flatten] " + Classifier, network: "[[|Network|]]", training: ""), "NC0007", perMarker: 2);

    [Theory]
    [InlineData("[Loss(LossFunction.SparseCategoricalCrossEntropy)] [Adam] [[|Sgd|]]")]
    [InlineData("[Loss(LossFunction.SparseCategoricalCrossEntropy)] [[|Sgd(Momentum = 0.9f)|]] [Adam]")]
    public void AdamAndSgd_ReportsNC0008OnSgd(string training) =>
        AssertDiagnostics(Network("[Flatten] " + Classifier, training: training), "NC0008");

    [Theory]
    [InlineData("[[|Adam(Beta1 = 1.5f)|]]", "Beta1 of [Adam] must be in [0, 1), but is 1.5")]
    [InlineData("[[|Adam(Beta2 = 1f)|]]", "Beta2 of [Adam] must be in [0, 1), but is 1")]
    [InlineData("[[|Adam(Beta1 = -0.1f)|]]", "Beta1")]
    [InlineData("[[|Adam(LearningRate = 0f)|]]", "LearningRate of [Adam] must be in (0, +inf), but is 0")]
    [InlineData("[[|Adam(LearningRate = float.NaN)|]]", "but is NaN")]
    [InlineData("[[|Adam(LearningRate = float.PositiveInfinity)|]]", "LearningRate")]
    [InlineData("[[|Adam(Epsilon = 0f)|]]", "Epsilon")]
    [InlineData("[[|Sgd(LearningRate = -0.01f)|]]", "LearningRate of [Sgd]")]
    [InlineData("[[|Sgd(Momentum = 1f)|]]", "Momentum of [Sgd] must be in [0, 1), but is 1")]
    public void HyperparameterOutOfRange_ReportsNC0015OnOptimizer(string optimizer, string message) =>
        AssertDiagnostics(
            Network(
                "[Flatten] " + Classifier,
                training: "[Loss(LossFunction.SparseCategoricalCrossEntropy)]\n" + optimizer),
            "NC0015",
            messageContains: message);

    // ---------------------------------------------------------------------------------------------------------------
    // Unreadable arguments: NC0014

    [Theory]
    [InlineData("[[|Conv2D(4, 3, Padding = (Padding)7)|]] [Flatten] " + Classifier)]
    [InlineData("[[|MaxPool2D(2, Padding = (Padding)(-1))|]] [Flatten] " + Classifier)]
    [InlineData("[Flatten] [[|Dense(2, Activation = (Activation)9)|]]")]
    public void UnnamedEnumValue_ReportsNC0014(string layers) =>
        AssertDiagnostics(Network(layers), "NC0014", messageContains: "not one of the enum's named values");

    [Fact]
    public void ArgumentWithCompileError_ReportsNC0014AndOnlyTheUsersError()
    {
        // The compiler reports the bad argument itself; the generator must say it could not read it, not crash.
        MarkedSource marked = MarkedSource.Parse(Network("[Flatten] [[|Dense(\"ten\")|]]"));
        GeneratorRun run = GeneratorRunner.Run(marked.Text);

        AssertGeneratorDiagnostics(run, marked, "NC0014", perMarker: 1, messageContains: null);
        Assert.Empty(run.Sources);
        Diagnostic error = Assert.Single(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS1503", error.Id);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Buffer sizes: NC0016, NC0017

    [Fact]
    public void ParametersPastArrayLimit_ReportsNC0016OnNetwork() =>
        // 1024 x 2^20 weights: more floats in one buffer than an array may hold.
        AssertDiagnostics(
            Network(
                "[Dense(1 << 20, Activation = Activation.Softmax)]",
                input: "[Input(1024)]",
                network: "[[|Network|]]"),
            "NC0016",
            messageContains: "more elements than an array can");

    [Fact]
    public void BatchOfHugeImagesPastArrayLimit_ReportsNC0016OnNetwork() =>
        // 4096 x 4096 x 64 floats is 2^30 per sample; a batch of 32 cannot be one array.
        AssertDiagnostics(
            Network(
                "[Flatten] [Dense(10, Activation = Activation.Softmax)]",
                input: "[Input(4096, 4096, 64)]",
                network: "[[|Network(BatchSize = 32)|]]"),
            "NC0016");

    [Fact]
    public void LargeButLegalModel_WarnsNC0017AndStillGenerates()
    {
        // 2^26 weights: 1 GiB of parameters, gradients and Adam moments together, yet each buffer fits an array.
        MarkedSource marked = MarkedSource.Parse(Network(
            "[Dense(65536, Activation = Activation.Softmax)]", input: "[Input(1024)]", network: "[[|Network|]]"));
        GeneratorRun run = GeneratorRunner.Run(marked.Text);

        Diagnostic warning = AssertGeneratorDiagnostics(run, marked, "NC0017", perMarker: 1, "allocates").Single();
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Single(run.Sources);
        AssertCompilesCleanly(run);
    }

    [Fact]
    public void KernelElementCountOverflowingInt_ReportsNC0016() =>
        // 65536 x 65536 weights is 2^32: the count must not wrap around to a small number.
        AssertDiagnostics(
            Network(
                "[Dense(65536, Activation = Activation.Softmax)]",
                input: "[Input(65536)]",
                network: "[[|Network|]]"),
            "NC0016");

    [Fact]
    public void InputElementCountOverflowingInt_ReportsNC0016() =>
        // 65536 x 65536 x 1 is 2^32 floats per sample: the sample length must not wrap around to zero.
        AssertDiagnostics(
            Network(
                "[MaxPool2D(65536)] [Flatten] [Dense(2, Activation = Activation.Softmax)]",
                input: "[Input(65536, 65536, 1)]",
                network: "[[|Network|]]"),
            "NC0016");

    [Fact]
    public void PaddedBatchPastArrayLimit_ReportsNC0016() =>
        // A 1000x1 kernel with Same padding pads each 1x100000 sample to 1000x100000: 10^8 floats, 3.2 x 10^9 for a
        // batch of 32. The unpadded shapes are small, so only the padded buffer overflows.
        AssertDiagnostics(
            Network(
                "[Conv2D(1, 1000, 1, Padding = Padding.Same)] [Flatten] [Dense(2, Activation = Activation.Softmax)]",
                input: "[Input(1, 100000, 1)]",
                network: "[[|Network(BatchSize = 32)|]]"),
            "NC0016");

    [Fact]
    public void SamePaddingWithHugeStride_KeepsOneOutputPixel()
    {
        // Keras: Same padding gives ceil(28 / stride) = 1 pixel for any stride of 28 or more.
        GeneratorRun run = GeneratorRunner.Run(Network(
            "[Conv2D(1, 3, Stride = int.MaxValue, Padding = Padding.Same)] [Flatten] " + Classifier));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("// Layer 1: conv2d (Conv2D), (28, 28, 1) -> (1, 1, 1)", run.SingleSourceText());
        AssertCompilesCleanly(run);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Several networks, valid declarations, documentation

    [Fact]
    public void InvalidNetworkBesideValidOne_OnlyTheValidOneGenerates()
    {
        const string source = """
            using NetCompiler;

            namespace Tests;

            [Network]
            [Input(4)]
            [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Good;

            [Network]
            [Input(4, 4, 1)]
            [[|Dense(2, Activation = Activation.Softmax)|]]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Bad;
            """;
        MarkedSource marked = MarkedSource.Parse(source);
        GeneratorRun run = GeneratorRunner.Run(marked.Text);

        AssertGeneratorDiagnostics(run, marked, "NC0004", perMarker: 1, messageContains: null);
        GeneratedSourceResult generated = Assert.Single(run.Sources);
        Assert.Equal("Tests.Good.Network.g.cs", generated.HintName);
        AssertCompilesCleanly(run);
    }

    public static TheoryData<string, string> ValidNetworks => new()
    {
        {
            "SmallestClassifier",
            """
            [Network]
            [Input(4)]
            [Dense(3, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Net;
            """
        },
        {
            "PerceptronWithLogitsAndPlainSgd",
            """
            [Network(BatchSize = 1, Seed = -5)]
            [Input(13)]
            [Dense(37, Activation = Activation.Tanh)]
            [Dense(33, Activation = Activation.Sigmoid)]
            [Dense(5)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
            [Sgd(LearningRate = 0.5f)]
            internal sealed partial class Net { }
            """
        },
        {
            // A kernel exactly the input's size is the largest valid one; output 1x1.
            "KernelAsLargeAsInput",
            """
            [Network(BatchSize = 3)]
            [Input(5, 5, 2)]
            [Conv2D(3, 5, Activation = Activation.ReLU)]
            [Flatten]
            [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam(LearningRate = 0.01f, Beta1 = 0f, Beta2 = 0.5f, Epsilon = 1e-3f)]
            public partial class Net;
            """
        },
        {
            // Rectangular kernel, stride 3 Same, overlapping Same pool, odd channel counts for every SIMD tail.
            "SamePaddingOddSizes",
            """
            [Network(BatchSize = 7, Seed = 3)]
            [Input(10, 7, 3)]
            [Conv2D(17, 3, 2, Stride = 3, Padding = Padding.Same, Activation = Activation.Tanh)]
            [MaxPool2D(3, Stride = 1, Padding = Padding.Same)]
            [Conv2D(33, 1, Activation = Activation.ReLU)]
            [MaxPool2D(2, Padding = Padding.Same)]
            [Flatten]
            [Dense(19, Activation = Activation.ReLU)]
            [Dense(5, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Sgd(LearningRate = 0.01f, Momentum = 0.5f)]
            public partial class Net;
            """
        },
        {
            // Containers of every partial kind the generator reopens, and a global-namespace network.
            "NestedInRecordAndStruct",
            """
            public partial record Outer
            {
                internal partial struct Middle
                {
                    [Network(BatchSize = 2)]
                    [Input(6, 6, 1)]
                    [MaxPool2D(2)]
                    [Conv2D(4, 2, Activation = Activation.Sigmoid)]
                    [Flatten]
                    [Dense(3, Activation = Activation.Softmax)]
                    [Loss(LossFunction.SparseCategoricalCrossEntropy)]
                    [Adam]
                    private partial class Net { }
                }
            }
            """
        },
        {
            // The network settings may sit on one declaration and every layer on another.
            "LayersOnOtherPartialDeclaration",
            """
            [Network]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Net { }

            [Input(8, 8, 2)]
            [Conv2D(4, 3, Stride = 2, Padding = Padding.Same)]
            [Flatten]
            [Dense(2, Activation = Activation.Softmax)]
            public partial class Net { }
            """
        },
        {
            "DeepPerceptronAndSecondNetwork",
            """
            namespace Deep.Er
            {
                [Network(BatchSize = 64)]
                [Input(100)]
                [Dense(64, Activation = Activation.ReLU)]
                [Dense(48, Activation = Activation.ReLU)]
                [Dense(32, Activation = Activation.ReLU)]
                [Dense(24, Activation = Activation.Tanh)]
                [Dense(16, Activation = Activation.ReLU)]
                [Dense(8, Activation = Activation.ReLU)]
                [Dense(4, Activation = Activation.Sigmoid)]
                [Dense(2, Activation = Activation.Softmax)]
                [Loss(LossFunction.SparseCategoricalCrossEntropy)]
                [Adam]
                public partial class Net { }

                [Network]
                [Input(2)]
                [Dense(2)]
                [Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
                [Sgd]
                public partial class Other { }
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(ValidNetworks))]
    [MemberData(nameof(ValidSequenceNetworks))]
    public void ValidNetwork_ReportsNothingAndCompilesCleanly(string name, string declaration)
    {
        GeneratorRun run = GeneratorRunner.Run("using NetCompiler;\n\n" + declaration);

        Assert.Null(run.Exception);
        Assert.True(run.GeneratorDiagnostics.IsEmpty, $"{name}: {Describe(run.GeneratorDiagnostics)}");
        Assert.NotEmpty(run.Sources);
        AssertCompilesCleanly(run);
    }

    [Fact]
    public void EveryReportedId_HasADocumentationPage()
    {
        string docs = Path.Combine(RepositoryRoot(), "docs", "diagnostics");
        string readme = File.ReadAllText(Path.Combine(docs, "README.md"));
        for (int i = 1; i <= 21; i++)
        {
            string id = $"NC{i:D4}";
            Assert.True(File.Exists(Path.Combine(docs, id + ".md")), $"docs/diagnostics/{id}.md is missing");
            Assert.Contains($"({id}.md)", readme, StringComparison.Ordinal);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    /// <summary>
    /// A compilable network declaration in namespace Tests; each part can be replaced, and may carry markers.
    /// </summary>
    private static string Network(
        string layers,
        string network = "[Network]",
        string input = "[Input(28, 28, 1)]",
        string training = DefaultTraining,
        string declaration = "public partial class Net { }") =>
        $"""
        using NetCompiler;

        namespace Tests;

        {network}
        {input}
        {layers}
        {training}
        {declaration}

        """;

    /// <summary>
    /// Runs the generator on <paramref name="markedSource"/> and checks that it reports <paramref name="id"/>
    /// exactly <paramref name="perMarker"/> times at each marked span and nothing else, generates nothing, and leaves
    /// the user's code free of compile errors.
    /// </summary>
    private static void AssertDiagnostics(
        string markedSource, string id, string? messageContains = null, int perMarker = 1)
    {
        MarkedSource marked = MarkedSource.Parse(markedSource);
        GeneratorRun run = GeneratorRunner.Run(marked.Text);

        AssertGeneratorDiagnostics(run, marked, id, perMarker, messageContains);
        Assert.True(run.Sources.IsEmpty, $"an invalid network generated {run.Sources.Length} file(s)");
        Assert.Empty(run.OutputCompilation.SyntaxTrees.Skip(1));
        Diagnostic[] errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "the user's code no longer compiles: " + Describe(errors));
    }

    private static IReadOnlyList<Diagnostic> AssertGeneratorDiagnostics(
        GeneratorRun run, MarkedSource marked, string id, int perMarker, string? messageContains)
    {
        Assert.Null(run.Exception);
        Assert.NotEmpty(marked.Spans);
        IEnumerable<TextSpan> expectedSpans = marked.Spans.SelectMany(s => Enumerable.Repeat(s, perMarker));
        string expected = string.Join(
            "\n", expectedSpans.Select(s => $"{id} {s} '{marked.Text.Substring(s.Start, s.Length)}'"));
        string actual = string.Join("\n", run.GeneratorDiagnostics
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => $"{d.Id} {d.Location.SourceSpan} '{SpanText(marked.Text, d.Location)}'"));
        Assert.True(
            expected == actual, $"expected:\n{expected}\nactual:\n{actual}\n{Describe(run.GeneratorDiagnostics)}");

        foreach (Diagnostic diagnostic in run.GeneratorDiagnostics)
        {
            // The generator rebuilds locations from plain data (file path and span), so compare those rather than
            // syntax trees.
            Assert.Equal("Test0.cs", diagnostic.Location.GetLineSpan().Path);
            Assert.EndsWith($"/docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
            if (messageContains is not null)
            {
                Assert.Contains(messageContains, diagnostic.GetMessage(), StringComparison.Ordinal);
            }
        }

        return run.GeneratorDiagnostics;
    }

    private static void AssertCompilesCleanly(GeneratorRun run)
    {
        Diagnostic[] problems = run.CompilationDiagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToArray();
        Assert.True(problems.Length == 0, Describe(problems));
    }

    private static string SpanText(string text, Location location) =>
        location.Kind != LocationKind.None && location.SourceSpan.End <= text.Length
            ? text.Substring(location.SourceSpan.Start, location.SourceSpan.Length)
            : "<no source location>";

    private static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => d.ToString()));

    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        for (string? directory = Path.GetDirectoryName(thisFile);
             directory is not null;
             directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "NetCompiler.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"No NetCompiler.sln above '{thisFile}'.");
    }

    /// <summary>Source text with its <c>[|...|]</c> markers removed and their spans recorded.</summary>
    private sealed class MarkedSource
    {
        private const string Open = "[|";
        private const string Close = "|]";

        private MarkedSource(string text, IReadOnlyList<TextSpan> spans)
        {
            Text = text;
            Spans = spans;
        }

        public string Text { get; }

        public IReadOnlyList<TextSpan> Spans { get; }

        public static MarkedSource Parse(string marked)
        {
            var text = new StringBuilder(marked.Length);
            var spans = new List<TextSpan>();
            int position = 0;
            while (true)
            {
                int open = marked.IndexOf(Open, position, StringComparison.Ordinal);
                if (open < 0)
                {
                    break;
                }

                int close = marked.IndexOf(Close, open + Open.Length, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new ArgumentException($"'{Open}' at {open} has no '{Close}'", nameof(marked));
                }

                text.Append(marked, position, open - position);
                int start = text.Length;
                text.Append(marked, open + Open.Length, close - open - Open.Length);
                spans.Add(TextSpan.FromBounds(start, text.Length));
                position = close + Close.Length;
            }

            text.Append(marked, position, marked.Length - position);
            return new MarkedSource(text.ToString(), spans);
        }
    }
}
