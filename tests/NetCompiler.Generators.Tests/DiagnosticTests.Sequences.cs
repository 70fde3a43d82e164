using System;
using NetCompiler.Generators.Tests.Helpers;
using Xunit;

namespace NetCompiler.Generators.Tests;

/// <summary>
/// Sequence models: token ids and float sequences as input, Embedding, LSTM and gradient clipping. They bring three
/// ids of their own (NC0018 to NC0020) and reuse the shape, size and range ids of the image layers.
/// </summary>
public sealed partial class DiagnosticTests
{
    private const string Tokens = "[SequenceInput(10)]";

    private const string FloatSequence = "[Input(20, 3)]";

    // ---------------------------------------------------------------------------------------------------------------
    // Two inputs: NC0018

    [Theory]
    [InlineData("[Input(10)]\n[[|SequenceInput(10)|]]")]
    [InlineData("[[|SequenceInput(10)|]]\n[Input(20, 3)]")]
    [InlineData("[Input(28, 28, 1)]\n[[|SequenceInput(100)|]]")]
    public void InputAndSequenceInput_ReportsNC0018OnSequenceInput(string inputs) =>
        // Whichever comes first, the diagnostic points at [SequenceInput], the attribute that is unusual to add.
        AssertDiagnostics(
            Network("[Embedding(100, 8)] [Lstm(4)] " + Classifier, input: inputs),
            "NC0018",
            messageContains: "Network 'Net' declares both [Input] and [SequenceInput]: keep one");

    // ---------------------------------------------------------------------------------------------------------------
    // Token ids reaching a layer other than Embedding: NC0019

    [Theory]
    [InlineData("[[|Dense(2, Activation = Activation.Softmax)|]]", "Layer 1 (Dense) receives token ids")]
    [InlineData("[[|Lstm(4)|]] " + Classifier, "Layer 1 (Lstm) receives token ids")]
    [InlineData("[[|Lstm(4, ReturnSequences = true)|]] [Flatten] " + Classifier,
        "Layer 1 (Lstm) receives token ids")]
    [InlineData("[[|Conv2D(4, 3)|]] [Flatten] " + Classifier, "Layer 1 (Conv2D) receives token ids")]
    [InlineData("[[|MaxPool2D(2)|]] [Flatten] " + Classifier, "Layer 1 (MaxPool2D) receives token ids")]
    [InlineData("[[|Flatten|]] " + Classifier, "Layer 1 (Flatten) receives token ids")]
    public void SequenceInputNotFollowedByEmbedding_ReportsNC0019OnTheLayer(string layers, string message) =>
        AssertDiagnostics(
            Network(layers, input: Tokens),
            "NC0019",
            messageContains: message + ": put [Embedding(vocabulary, dimensions)] right after [SequenceInput]");

    [Fact]
    public void EmbeddingAfterAnotherLayerOnTokens_ReportsNC0019OnTheFirstLayerOnly() =>
        // The Dense is the mistake; the Embedding after it would be wrong too, but one diagnostic says enough.
        AssertDiagnostics(
            Network("[[|Dense(8)|]] [Embedding(100, 8)] [Lstm(4)] " + Classifier, input: Tokens), "NC0019");

    // ---------------------------------------------------------------------------------------------------------------
    // Embedding on anything but token ids: NC0020

    [Theory]
    [InlineData("[Input(10)]", "[[|Embedding(100, 8)|]] [Flatten] ", "Layer 1 (Embedding) receives (10)")]
    [InlineData(FloatSequence, "[[|Embedding(100, 8)|]] [Lstm(4)] ", "Layer 1 (Embedding) receives (20, 3)")]
    [InlineData("[Input(28, 28, 1)]", "[[|Embedding(100, 8)|]] [Flatten] ", "receives (28, 28, 1)")]
    [InlineData(Tokens, "[Embedding(100, 8)] [[|Embedding(100, 8)|]] [Lstm(4)] ", 
        "Layer 2 (Embedding) receives (10, 8)")]
    [InlineData(Tokens, "[Embedding(100, 8)] [Lstm(4)] [[|Embedding(100, 8)|]] ", "Layer 3 (Embedding) receives (4)")]
    [InlineData("[Input(10)]", "[Dense(5)] [[|Embedding(100, 8)|]] [Flatten] ", "Layer 2 (Embedding) receives (5)")]
    public void EmbeddingNotRightAfterSequenceInput_ReportsNC0020OnTheEmbedding(
        string input, string layers, string message) =>
        AssertDiagnostics(
            Network(layers + Classifier, input: input),
            "NC0020",
            messageContains: message + ", but an Embedding takes token ids: it must come right after [SequenceInput]");

    [Fact]
    public void EmbeddingWithZeroSizesOnWrongInput_ReportsOnlyNC0020() =>
        // Where the layer sits is the first thing to fix; its sizes are checked once it is on token ids.
        AssertDiagnostics(Network("[[|Embedding(0, 0)|]] [Flatten] " + Classifier, input: "[Input(10)]"), "NC0020");

    // ---------------------------------------------------------------------------------------------------------------
    // Shapes: NC0002 for LSTM off a sequence and image layers on one

    [Theory]
    [InlineData("[Input(28, 28, 1)]", "[[|Lstm(4)|]]", "Layer 1 (Lstm) cannot take its input (28, 28, 1)")]
    [InlineData("[Input(16)]", "[[|Lstm(4)|]]", "Layer 1 (Lstm) cannot take its input (16)")]
    [InlineData("[Input(16)]", "[Dense(8)] [[|Lstm(4)|]]", "Layer 2 (Lstm) cannot take its input (8)")]
    [InlineData("[Input(8, 8, 1)]", "[Conv2D(2, 3)] [[|Lstm(4)|]] [Flatten]",
        "Layer 2 (Lstm) cannot take its input (6, 6, 2)")]
    [InlineData(FloatSequence, "[Lstm(8)] [[|Lstm(4)|]]", "set ReturnSequences = true on the LSTM before it")]
    [InlineData(FloatSequence, "[Flatten] [[|Lstm(4)|]]", "Layer 2 (Lstm) cannot take its input (60)")]
    [InlineData(Tokens, "[Embedding(100, 8)] [Lstm(8)] [[|Lstm(4)|]]", "Layer 3 (Lstm) cannot take its input (8)")]
    public void LstmOnImageOrVector_ReportsNC0002OnTheLstm(string input, string layers, string message) =>
        AssertDiagnostics(Network(layers + " " + Classifier, input: input), "NC0002", messageContains: message);

    [Fact]
    public void LstmOnImage_ReportsNC0002SayingWhatItNeeds() =>
        AssertDiagnostics(
            Network("[[|Lstm(4)|]] " + Classifier),
            "NC0002",
            messageContains: "Lstm needs a sequence (steps, features): declare [Input(steps, features)] or " +
                "[SequenceInput] with [Embedding]");

    [Theory]
    [InlineData(FloatSequence, "[[|Conv2D(4, 3)|]] [Flatten]", "Layer 1 (Conv2D) cannot take its input (20, 3)")]
    [InlineData(FloatSequence, "[[|Conv2D(4, 1)|]] [Flatten]", "Conv2D needs an image (height, width, channels)")]
    [InlineData(FloatSequence, "[[|MaxPool2D(2)|]] [Flatten]", "Layer 1 (MaxPool2D) cannot take its input (20, 3)")]
    [InlineData(Tokens, "[Embedding(100, 8)] [[|Conv2D(4, 3)|]] [Flatten]",
        "Layer 2 (Conv2D) cannot take its input (10, 8)")]
    [InlineData(Tokens, "[Embedding(100, 8)] [[|MaxPool2D(2)|]] [Flatten]", "MaxPool2D needs an image")]
    [InlineData(FloatSequence, "[Lstm(4, ReturnSequences = true)] [[|MaxPool2D(2)|]] [Flatten]", "input (20, 4)")]
    [InlineData(FloatSequence, "[Dense(5)] [[|Conv2D(4, 3)|]] [Flatten]",
        "Layer 2 (Conv2D) cannot take its input (20, 5)")]
    public void ImageLayerOnSequence_ReportsNC0002(string input, string layers, string message) =>
        AssertDiagnostics(Network(layers + " " + Classifier, input: input), "NC0002", messageContains: message);

    [Theory]
    [InlineData(FloatSequence, "[Lstm(4)] [[|Flatten|]]")]
    [InlineData(Tokens, "[Embedding(100, 8)] [Lstm(4)] [[|Flatten|]]")]
    [InlineData(Tokens, "[Embedding(100, 8)] [Flatten] [[|Flatten|]]")]
    public void FlattenAfterLastStepLstm_ReportsNC0002(string input, string layers) =>
        // Without ReturnSequences an LSTM outputs one vector, which is flat already.
        AssertDiagnostics(
            Network(layers + " " + Classifier, input: input), "NC0002", messageContains: "remove [Flatten]");

    // ---------------------------------------------------------------------------------------------------------------
    // Sizes: NC0003

    [Theory]
    [InlineData("[[|Embedding(0, 8)|]]", "InputDim of layer 1 ([Embedding(0, 8)]) must be positive, but is 0")]
    [InlineData("[[|Embedding(-100, 8)|]]", "InputDim of layer 1 ([Embedding(-100, 8)]) must be positive, but is -100")]
    [InlineData("[[|Embedding(100, 0)|]]", "OutputDim of layer 1 ([Embedding(100, 0)]) must be positive, but is 0")]
    [InlineData("[[|Embedding(100, int.MinValue, MaskZero = true)|]]", "OutputDim")]
    [InlineData("[Embedding(100, 8)] [[|Lstm(0)|]]", "Units of layer 2 ([Lstm(0)]) must be positive, but is 0")]
    [InlineData("[Embedding(100, 8)] [[|Lstm(-4, ReturnSequences = true)|]] [Flatten]", "but is -4")]
    public void NonPositiveEmbeddingOrLstmSize_ReportsNC0003OnTheLayer(string layers, string message)
    {
        string rest = layers.Contains("Lstm", StringComparison.Ordinal) ? " " : " [Lstm(4)] ";
        AssertDiagnostics(
            Network(layers + rest + Classifier, input: Tokens), "NC0003", messageContains: message);
    }

    [Fact]
    public void BothEmbeddingSizesZero_ReportsNC0003ForEach() =>
        AssertDiagnostics(
            Network("[[|Embedding(0, 0)|]] [Lstm(4)] " + Classifier, input: Tokens), "NC0003", perMarker: 2);

    [Theory]
    [InlineData(FloatSequence, "[[|Lstm(0)|]]", "Units of layer 1 ([Lstm(0)]) must be positive, but is 0")]
    [InlineData("[Input(16)]", "[[|Lstm(-1)|]]", "Units of layer 1 ([Lstm(-1)]) must be positive, but is -1")]
    public void NonPositiveLstmUnits_ReportsNC0003BeforeCheckingTheInput(string input, string layers, string message) =>
        // A zero-unit LSTM on a vector has two faults; the size is the one that comes first.
        AssertDiagnostics(Network(layers + " " + Classifier, input: input), "NC0003", messageContains: message);

    [Theory]
    [InlineData("[[|SequenceInput(0)|]]", "Length of [SequenceInput] must be positive, but is 0")]
    [InlineData("[[|SequenceInput(-100)|]]", "but is -100")]
    [InlineData("[[|SequenceInput(int.MinValue)|]]", "Length of [SequenceInput]")]
    [InlineData("[[|Input(0, 3)|]]", "Steps of [Input] must be positive, but is 0")]
    [InlineData("[[|Input(-20, 3)|]]", "Steps of [Input] must be positive, but is -20")]
    [InlineData("[[|Input(20, 0)|]]", "Features of [Input] must be positive, but is 0")]
    [InlineData("[[|Input(20, int.MinValue)|]]", "Features of [Input]")]
    public void NonPositiveSequenceLength_ReportsNC0003OnTheInput(string input, string message)
    {
        bool tokens = input.Contains("SequenceInput", StringComparison.Ordinal);
        string layers = tokens ? "[Embedding(100, 8)] [Lstm(4)] " : "[Lstm(4)] ";
        AssertDiagnostics(Network(layers + Classifier, input: input), "NC0003", messageContains: message);
    }

    [Fact]
    public void SequenceStepsAndFeaturesZero_ReportsNC0003ForEach() =>
        AssertDiagnostics(Network("[Lstm(4)] " + Classifier, input: "[[|Input(0, 0)|]]"), "NC0003", perMarker: 2);

    // ---------------------------------------------------------------------------------------------------------------
    // Gradient clipping: NC0015

    [Theory]
    [InlineData("[[|Adam(ClipNorm = -1f)|]]", "ClipNorm of [Adam] must be in [0, +inf), 0 = off, but is -1")]
    [InlineData("[[|Adam(GlobalClipNorm = -0.5f)|]]",
        "GlobalClipNorm of [Adam] must be in [0, +inf), 0 = off, but is -0.5")]
    [InlineData("[[|Sgd(ClipNorm = -2f)|]]", "ClipNorm of [Sgd] must be in [0, +inf), 0 = off, but is -2")]
    [InlineData("[[|Sgd(Momentum = 0.9f, GlobalClipNorm = -1f)|]]", "GlobalClipNorm of [Sgd]")]
    [InlineData("[[|Adam(ClipNorm = float.NaN)|]]", "ClipNorm of [Adam] must be in [0, +inf), 0 = off, but is NaN")]
    [InlineData("[[|Sgd(GlobalClipNorm = float.PositiveInfinity)|]]", "GlobalClipNorm of [Sgd]")]
    [InlineData("[[|Adam(ClipNorm = float.NegativeInfinity)|]]", "ClipNorm of [Adam]")]
    public void NegativeOrNonFiniteClipNorm_ReportsNC0015OnOptimizer(string optimizer, string message) =>
        AssertDiagnostics(
            Network(
                "[Embedding(100, 8)] [Lstm(4)] " + Classifier,
                input: Tokens,
                training: "[Loss(LossFunction.SparseCategoricalCrossEntropy)]\n" + optimizer),
            "NC0015",
            messageContains: message);

    [Theory]
    [InlineData("[[|Adam(ClipNorm = -1f, GlobalClipNorm = -1f)|]]")]
    [InlineData("[[|Sgd(ClipNorm = -1f, GlobalClipNorm = float.NaN)|]]")]
    public void BothClipNormsNegative_ReportsNC0015ForEach(string optimizer) =>
        AssertDiagnostics(
            Network(
                "[Flatten] " + Classifier,
                training: "[Loss(LossFunction.SparseCategoricalCrossEntropy)]\n" + optimizer),
            "NC0015",
            perMarker: 2);

    // ---------------------------------------------------------------------------------------------------------------
    // Other ids on sequence models: NC0005, NC0006, NC0011, NC0016

    [Fact]
    public void SoftmaxOnDensePerStep_ReportsNC0005() =>
        AssertDiagnostics(
            Network(
                "[[|Dense(4, Activation = Activation.Softmax)|]] [Lstm(4)] " + Classifier, input: FloatSequence),
            "NC0005");

    [Theory]
    [InlineData("[Lstm(4, ReturnSequences = true)] [Dense(2, Activation = Activation.Softmax)]", "outputs (20, 2)")]
    [InlineData("[Dense(2, Activation = Activation.Softmax)]", "outputs (20, 2)")]
    [InlineData("[Lstm(2)]", "the last layer outputs (2), but the loss needs one score per class from Dense")]
    public void SequenceOrLstmLast_ReportsNC0006OnLoss(string layers, string message) =>
        // Dense on a sequence keeps the time axis, so a per-step classifier still needs Flatten or an LSTM first.
        AssertDiagnostics(
            Network(
                layers,
                input: FloatSequence,
                training: "[[|Loss(LossFunction.SparseCategoricalCrossEntropy)|]]\n[Adam]"),
            "NC0006",
            messageContains: message);

    [Fact]
    public void SequenceInputWithoutLayers_ReportsNC0011OnSequenceInput() =>
        AssertDiagnostics(Network("", input: "[[|SequenceInput(100)|]]"), "NC0011");

    [Theory]
    [InlineData("[SequenceInput(100)]", "[Embedding(1 << 20, 1 << 12)] [Lstm(4)]")]
    [InlineData("[SequenceInput(100)]", "[Embedding(100, 8)] [Lstm(1 << 28)]")]
    [InlineData("[Input(65536, 65536)]", "[Lstm(1)]")]
    [InlineData("[SequenceInput(1 << 24)]", "[Embedding(100, 64)] [Lstm(4)]")]
    public void SequenceModelPastArrayLimit_ReportsNC0016OnNetwork(string input, string layers) =>
        // A 2^32-entry table, 2^30 gates per step, 2^32 floats per sample, 2^30 embedded floats per sample: each
        // count must be caught in long arithmetic before an int wraps around.
        AssertDiagnostics(
            Network(layers + " " + Classifier, input: input, network: "[[|Network|]]"), "NC0016");

    // ---------------------------------------------------------------------------------------------------------------
    // Valid sequence models

    public static TheoryData<string, string> ValidSequenceNetworks => new()
    {
        {
            // Issue 3's model at a smaller size, with padding masked and both kinds of clipping.
            "MaskedStackedTextClassifier",
            """
            [Network(BatchSize = 5, Seed = 11)]
            [SequenceInput(12)]
            [Embedding(50, 6, MaskZero = true)]
            [Lstm(5, ReturnSequences = true)]
            [Lstm(3)]
            [Dense(4, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam(ClipNorm = 1f, GlobalClipNorm = 5f)]
            public partial class Net;
            """
        },
        {
            // Dense applies per time step; Flatten then turns (steps, units) into one vector, as in Keras.
            "DensePerStepThenFlatten",
            """
            [Network(BatchSize = 3)]
            [Input(7, 3)]
            [Lstm(6, ReturnSequences = true)]
            [Dense(5, Activation = Activation.Tanh)]
            [Flatten]
            [Dense(2)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
            [Sgd(LearningRate = 0.1f, ClipNorm = 0.5f)]
            public partial class Net;
            """
        },
        {
            // A per-step Dense before the LSTM, and a mask that must reach the LSTM through it.
            "MaskThroughDensePerStep",
            """
            [Network(BatchSize = 2)]
            [SequenceInput(9)]
            [Embedding(30, 4, MaskZero = true)]
            [Dense(7, Activation = Activation.ReLU)]
            [Lstm(3)]
            [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Net;
            """
        },
        {
            // Streaming float model with a Dense per step first; odd sizes reach every vector tail.
            "StreamingWithDenseFirst",
            """
            [Network(BatchSize = 7, Seed = -1)]
            [Input(9, 2)]
            [Dense(5, Activation = Activation.Sigmoid)]
            [Lstm(17, ReturnSequences = true)]
            [Lstm(33)]
            [Dense(3, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Sgd(Momentum = 0.5f, GlobalClipNorm = 2f)]
            public partial class Net;
            """
        },
        {
            // The smallest recurrent model: one step, one feature, one unit.
            "OneStepOneUnit",
            """
            [Network(BatchSize = 1)]
            [Input(1, 1)]
            [Lstm(1)]
            [Dense(2)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy, FromLogits = true)]
            [Adam(ClipNorm = 0f, GlobalClipNorm = 0f)]
            public partial class Net;
            """
        },
        {
            // Embedding straight into Flatten: a bag of positions with no recurrence at all.
            "EmbeddingThenFlatten",
            """
            [Network]
            [SequenceInput(5)]
            [Embedding(20, 3)]
            [Flatten]
            [Dense(2, Activation = Activation.Softmax)]
            [Loss(LossFunction.SparseCategoricalCrossEntropy)]
            [Adam]
            public partial class Net;
            """
        },
        {
            // A token model and a float-sequence model side by side, nested and in a namespace block.
            "TokenAndFloatModelsTogether",
            """
            namespace Text.Models
            {
                public partial class Holder
                {
                    [Network(BatchSize = 4)]
                    [SequenceInput(16)]
                    [Embedding(1000, 16)]
                    [Lstm(16)]
                    [Dense(5, Activation = Activation.Softmax)]
                    [Loss(LossFunction.SparseCategoricalCrossEntropy)]
                    [Adam(ClipNorm = 1f)]
                    internal partial class Words { }

                    [Network(BatchSize = 4)]
                    [Input(16, 4)]
                    [Lstm(16)]
                    [Dense(5, Activation = Activation.Softmax)]
                    [Loss(LossFunction.SparseCategoricalCrossEntropy)]
                    [Adam]
                    internal partial class Sensor { }
                }
            }
            """
        },
    };

    [Theory]
    [InlineData(FloatSequence, "[Lstm(4)] " + Classifier, true)]
    [InlineData(FloatSequence, "[Lstm(4, ReturnSequences = true)] [Lstm(3)] [Dense(5)] " + Classifier, true)]
    [InlineData(FloatSequence, "[Dense(5)] [Lstm(4)] " + Classifier, true)]
    [InlineData(FloatSequence, "[Lstm(4, ReturnSequences = true)] [Flatten] " + Classifier, false)]
    [InlineData(Tokens, "[Embedding(100, 8)] [Lstm(4)] " + Classifier, false)]
    [InlineData("[Input(10)]", Classifier, false)]
    [InlineData("[Input(28, 28, 1)]", "[Flatten] " + Classifier, false)]
    public void StepAndResetState_OnlyOnFloatSequenceChains(string input, string layers, bool streams)
    {
        // Step feeds one time step at a time, so it exists only where nothing needs the whole sequence at once.
        GeneratorRun run = GeneratorRunner.Run(Network(layers, input: input));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        AssertCompilesCleanly(run);
        string source = run.SingleSourceText();
        const string step = "public void Step(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)";
        Assert.Equal(streams, source.Contains(step, StringComparison.Ordinal));
        Assert.Equal(streams, source.Contains("public void ResetState()", StringComparison.Ordinal));
    }

    [Fact]
    public void DenseOnSequence_AppliesPerTimeStep()
    {
        // Keras applies Dense to the last axis: (7, 6) -> (7, 5), with a kernel of 6 x 5 shared by every step.
        GeneratorRun run = GeneratorRunner.Run(Network(
            "[Lstm(6, ReturnSequences = true)] [Dense(5, Activation = Activation.Tanh)] [Flatten] " + Classifier,
            input: "[Input(7, 3)]"));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        AssertCompilesCleanly(run);
        string source = run.SingleSourceText();
        Assert.Contains("// Layer 2: dense (Dense), (7, 6) -> (7, 5)", source);
        Assert.Contains("// Layer 3: flatten (Flatten), (7, 5) -> (35)", source);
        Assert.Contains("new(\"dense/kernel\", new[] { 6, 5 }, Layer2KernelOffset)", source);
    }
}
