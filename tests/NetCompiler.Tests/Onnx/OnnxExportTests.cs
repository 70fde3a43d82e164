using System;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using NetCompiler.Tests.Networks;
using Xunit;
using Xunit.Abstractions;

namespace NetCompiler.Tests.Onnx;

/// <summary>
/// Exports networks with random non-zero weights (biases included, so bias placement is checked too), runs the
/// model in ONNX Runtime on a batch and on a single sample, and compares with Predict and Forward.
/// </summary>
public sealed class OnnxExportTests
{
    private const double Tolerance = 1e-5;

    private readonly ITestOutputHelper _output;

    public OnnxExportTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void SeedCnn_ExportMatchesPredict() =>
        AssertExportMatches(new SeedCnn(), SeedCnn.Architecture, 6, 101);

    [Fact]
    public void PaddedCnn_ExportMatchesPredict() =>
        AssertExportMatches(new PaddedCnn(), PaddedCnn.Architecture, 7, 102);

    [Fact]
    public void StridedCnn_ExportMatchesPredict() =>
        AssertExportMatches(new StridedCnn(), StridedCnn.Architecture, 5, 103);

    [Fact]
    public void Perceptron_ExportMatchesPredict() =>
        AssertExportMatches(new Perceptron(), Perceptron.Architecture, 9, 104);

    [Fact]
    public void FiveByFivePoolCnn_ExportMatchesPredict() =>
        AssertExportMatches(new FiveByFivePoolCnn(), FiveByFivePoolCnn.Architecture, 5, 105);

    [Fact]
    public void FiveByFiveSamePoolCnn_ExportMatchesPredict() =>
        AssertExportMatches(new FiveByFiveSamePoolCnn(), FiveByFiveSamePoolCnn.Architecture, 5, 106);

    [Fact]
    public void UnevenSameCnn_ExportMatchesPredict() =>
        AssertExportMatches(new UnevenSameCnn(), UnevenSameCnn.Architecture, 5, 107);

    [Fact]
    public void SensorLstm_ExportMatchesPredict() =>
        AssertExportMatches(new SensorLstm(), SensorLstm.Architecture, 6, 108);

    [Fact]
    public void StreamingLstm_ExportMatchesPredict() =>
        AssertExportMatches(new StreamingLstm(), StreamingLstm.Architecture, 6, 109);

    [Fact]
    public void TokenLstm_ExportMatchesPredict() =>
        AssertExportMatches(
            new TokenLstm(), TokenLstm.Architecture, Tokens(7, TokenLstm.InputLength, 11, 0f, 110), 110);

    [Fact]
    public void TextLstm_ExportMatchesPredict() =>
        AssertExportMatches(
            new TextLstm(), TextLstm.Architecture, Tokens(16, TextLstm.InputLength, 10000, 0f, 111), 111);

    [Fact]
    public void StackedSequenceLstm_ExportMatchesPredict() =>
        AssertExportMatches(
            new StackedSequenceLstm(), StackedSequenceLstm.Architecture,
            Tokens(7, StackedSequenceLstm.InputLength, 13, 0f, 112), 112);

    [Fact]
    public void EmbeddingOnly_ExportMatchesPredict() =>
        AssertExportMatches(
            new EmbeddingOnly(), EmbeddingOnly.Architecture, Tokens(6, EmbeddingOnly.InputLength, 9, 0.3f, 113), 113);

    [Fact]
    public void MaskedStackedLstm_ExportMatchesPredict_WherePaddingIsAnywhere()
    {
        // Keras' padding (before), padding after, holes in the middle, nothing but padding, no padding, then random.
        int[] ids =
        [
            0, 0, 3, 5,
            4, 2, 0, 0,
            1, 0, 0, 7,
            0, 0, 0, 0,
            8, 1, 2, 3,
            0, 0, 0, 6,
            .. Tokens(6, MaskedStackedLstm.InputLength, 9, 0.4f, 114),
        ];
        AssertExportMatches(new MaskedStackedLstm(), MaskedStackedLstm.Architecture, ids, 114);
    }

    [Fact]
    public void MaskedDenseLstm_ExportMatchesPredict() =>
        AssertExportMatches(
            new MaskedDenseLstm(), MaskedDenseLstm.Architecture,
            Tokens(9, MaskedDenseLstm.InputLength, 10, 0.35f, 115), 115);

    [Fact]
    public void MaskedSequenceLstm_ExportMatchesPredict_IncludingCarriedSteps()
    {
        int[] ids =
        [
            0, 0, 5, 1, 2,
            3, 0, 4, 0, 7,
            6, 0, 0, 0, 0,
            .. Tokens(5, MaskedSequenceLstm.InputLength, 8, 0.4f, 116),
        ];
        AssertExportMatches(new MaskedSequenceLstm(), MaskedSequenceLstm.Architecture, ids, 116);
    }

    [Fact]
    public void Export_WritesOpset17AndTheDocumentedInterface()
    {
        var network = new PaddedCnn();
        byte[] model = Export(PaddedCnn.Architecture, network.Parameters, "PaddedCnn");

        (long irVersion, long opset) = ReadVersions(model);
        Assert.Equal(OnnxExporter.IrVersion, irVersion);
        Assert.Equal(OnnxExporter.OpsetVersion, opset);
        using var session = new InferenceSession(model);
        Assert.Equal("NetCompiler", session.ModelMetadata.ProducerName);
        Assert.Equal("PaddedCnn", session.ModelMetadata.GraphName);
        Assert.Equal(PaddedCnn.Architecture, session.ModelMetadata.CustomMetadataMap["netcompiler.architecture"]);
        Assert.Equal([-1, 7, 7, 3], session.InputMetadata[OnnxExporter.InputName].Dimensions);
        Assert.Equal([-1, 3], session.OutputMetadata[OnnxExporter.OutputName].Dimensions);
        Assert.Equal(typeof(float), session.InputMetadata[OnnxExporter.InputName].ElementType);
    }

    [Fact]
    public void Export_TokenModel_TakesInt32Ids()
    {
        var network = new TokenLstm();
        using var session = new InferenceSession(Export(TokenLstm.Architecture, network.Parameters, "TokenLstm"));

        Assert.Equal(typeof(int), session.InputMetadata[OnnxExporter.InputName].ElementType);
        Assert.Equal([-1, TokenLstm.InputLength], session.InputMetadata[OnnxExporter.InputName].Dimensions);
    }

    [Fact]
    public void ExportToPath_WritesAFileOnnxRuntimeLoads_AndLeavesNoTemporaryFile()
    {
        string directory = Directory.CreateTempSubdirectory("netcompiler-onnx-").FullName;
        try
        {
            string path = Path.Combine(directory, "perceptron.onnx");
            var network = new Perceptron();
            OnnxExporter.Export(path, Perceptron.Architecture, network.Parameters, "Perceptron");

            using var session = new InferenceSession(path);
            Assert.Equal("Perceptron", session.ModelMetadata.GraphName);
            Assert.Equal(["perceptron.onnx"], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("Input(3)|Dropout(0.5)", "Dropout(0.5)")]
    [InlineData("Input(3)|Dense(2,Linear)\n", "Dense(2,Linear)\n")]
    [InlineData("Input(3)|Dense(2,linear)", "Dense(2,linear)")]
    [InlineData("Input(3)|Dense(-2,Linear)", "Dense(-2,Linear)")]
    [InlineData("Input(3)|Dense(0,Linear)", "'0' is not a size")]
    [InlineData("Input(3)|Dense(99999999999,Linear)", "'99999999999' is not a size")]
    [InlineData("Input(3)|Conv2D(2,3x3,1,Valid,ReLU)", "Conv2D needs an image")]
    [InlineData("Input(4, 4, 1)|Dense(2,Linear)", "add Flatten")]
    [InlineData("Input(4, 4, 1)|Conv2D(2,5x5,1,Valid,ReLU)", "larger than the 4x4 input")]
    [InlineData("Input(3)|Dense(2,Softmax)|Dense(2,Linear)", "only supported on the last layer")]
    [InlineData("SequenceInput(4) token ids|LSTM(2,last)", "token ids must go into an Embedding")]
    [InlineData("Input(4,3)|LSTM(2,last)", "Input(4,3)")]
    [InlineData("", "expected the input first")]
    public void Export_RejectsArchitecturesItCannotRead_NamingThePart(string architecture, string expected)
    {
        var exception = Assert.Throws<ArgumentException>(
            () => Export(architecture, new float[1000], "Broken"));

        Assert.Equal("architecture", exception.ParamName);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.StartsWith("This network cannot be exported to ONNX.", exception.Message, StringComparison.Ordinal);
        Assert.Equal(
            exception.Message.IndexOf("(Parameter", StringComparison.Ordinal),
            exception.Message.LastIndexOf("(Parameter", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_RejectsAParameterCountThatDoesNotMatch()
    {
        var exception = Assert.Throws<ArgumentException>(
            () => Export(Perceptron.Architecture, new float[Perceptron.ParameterCount - 1], "Perceptron"));

        Assert.Equal("parameters", exception.ParamName);
        Assert.Contains($"{Perceptron.ParameterCount} parameters", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Perturbs the network's initial weights by up to ±0.1 (so every bias is non-zero, and each gate's differs),
    /// then compares ONNX Runtime with Predict on all samples, and with Forward on the first, at batch sizes n and 1.
    /// </summary>
    private void AssertExportMatches<TInput>(INetwork<TInput> network, string architecture, TInput[] inputs, int seed)
        where TInput : unmanaged
    {
        var random = new NetworkRandom(seed);
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += random.NextSingle(-0.1f, 0.1f);
        }

        int count = inputs.Length / network.InputLength;
        float[] expected = new float[count * network.OutputLength];
        network.Predict(inputs, expected);
        float[] single = new float[network.OutputLength];
        network.Forward(inputs.AsSpan(0, network.InputLength), single);

        string name = network.GetType().Name;
        byte[] model = Export(architecture, network.Parameters, name);
        using var session = new InferenceSession(model);
        float[] batch = Run(session, inputs, count);
        float[] first = Run(session, inputs[..network.InputLength], 1);

        double batchDifference = MaxDifference(expected, batch);
        double singleDifference = MaxDifference(single, first);
        double spread = 0;
        for (int s = 1; s < count; s++)
        {
            ReadOnlySpan<float> sample = expected.AsSpan(s * network.OutputLength, network.OutputLength);
            spread = Math.Max(spread, MaxDifference(single, sample));
        }

        _output.WriteLine(
            $"{name}: max |ORT - Predict| = {batchDifference:E2} over {count} samples, " +
            $"max |ORT - Forward| = {singleDifference:E2}; outputs of different samples differ by up to {spread:E2}");
        Assert.True(batchDifference <= Tolerance, $"{name}: ORT and Predict differ by {batchDifference:E3}");
        Assert.True(singleDifference <= Tolerance, $"{name}: ORT and Forward differ by {singleDifference:E3}");

        // Samples whose outputs all agree would let a wrong export pass unnoticed.
        Assert.True(spread > 1e-3, $"{name}: the outputs barely depend on the input ({spread:E2}), proving little");
    }

    private void AssertExportMatches(INetwork<float> network, string architecture, int count, int seed) =>
        AssertExportMatches(
            network, architecture, Generated.NetworkTestKit.RandomInputs(count * network.InputLength, seed), seed);

    private static float[] Run<TInput>(InferenceSession session, TInput[] inputs, int count)
        where TInput : unmanaged
    {
        long[] shape = session.InputMetadata[OnnxExporter.InputName].Dimensions.Select(d => (long)d).ToArray();
        shape[0] = count;
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var options = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> results =
            session.Run(options, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static byte[] Export(string architecture, ReadOnlySpan<float> parameters, string name)
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(stream, architecture, parameters, name);
        return stream.ToArray();
    }

    private static double MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }

    /// <summary>Token ids below the vocabulary size, each 0 (padding) with the given probability.</summary>
    private static int[] Tokens(int count, int steps, int vocabulary, float padding, int seed)
    {
        var random = new NetworkRandom(seed);
        int[] ids = new int[count * steps];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = random.NextSingle() < padding ? 0 : 1 + random.NextInt32(vocabulary - 1);
        }

        return ids;
    }

    /// <summary>
    /// ir_version (field 1) and the default domain's opset (field 8: OperatorSetIdProto, version = field 2), read
    /// from the protobuf wire format directly so the test does not trust the exporter's own classes.
    /// </summary>
    private static (long IrVersion, long Opset) ReadVersions(byte[] model)
    {
        long irVersion = -1, opset = -1;
        var input = new Google.Protobuf.CodedInputStream(model);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case (1 << 3) | 0:
                    irVersion = input.ReadInt64();
                    break;
                case (8 << 3) | 2:
                    var opsetInput = new Google.Protobuf.CodedInputStream(input.ReadBytes().ToByteArray());
                    string domain = string.Empty;
                    long version = -1;
                    uint inner;
                    while ((inner = opsetInput.ReadTag()) != 0)
                    {
                        if (inner == ((1 << 3) | 2))
                        {
                            domain = opsetInput.ReadString();
                        }
                        else if (inner == ((2 << 3) | 0))
                        {
                            version = opsetInput.ReadInt64();
                        }
                        else
                        {
                            opsetInput.SkipLastField();
                        }
                    }

                    opset = domain.Length == 0 ? version : opset;
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (irVersion, opset);
    }
}
