using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using NetCompiler.Tests.Networks;
using Xunit;

namespace NetCompiler.Tests.Interop;

/// <summary>
/// PyTorch import: state_dicts written by libtorch itself (small committed fixtures, see
/// Fixtures/make_torch_fixtures.py) and by <see cref="TorchSaveWriter"/> at test time (the large networks), then
/// Forward compared with libtorch's outputs or with a naive forward pass in PyTorch's layouts.
/// </summary>
public sealed class PyTorchImportTests
{
    // A sum of a few hundred float32 products, accumulated in another order: relative error well under 1e-5.
    private const double Tolerance = 2e-5;

    // ---------------------------------------------------------------- files written by libtorch

    [Fact]
    public void LibtorchCnn_ImportedForwardMatchesLibtorch()
    {
        var network = new TorchCnn();
        PyTorchImport.Apply(LoadFixture("torch_cnn.pt"), TorchCnn.Architecture, network.Parameters);
        IReadOnlyDictionary<string, TensorData> io = LoadFixture("torch_cnn.io.pt");
        float[] input = io["input"].Values.ToArray(), expected = io["output"].Values.ToArray();
        var output = new float[TorchCnn.OutputLength];
        for (int n = 0; n < 3; n++)
        {
            // PyTorch's batch is NCHW; our samples are HWC.
            float[] sample = ToChannelsLast(input.AsSpan(n * 140, 140), 2, 10, 7);
            network.Forward(sample, output);
            AssertClose(expected.AsSpan(n * 3, 3), output, $"sample {n}");
        }
    }

    [Fact]
    public void LibtorchTokenLstm_ImportedForwardMatchesLibtorch()
    {
        var network = new TokenLstm();
        PyTorchImport.Apply(LoadFixture("torch_token_lstm.pt"), TokenLstm.Architecture, network.Parameters);
        IReadOnlyDictionary<string, TensorData> io = LoadFixture("torch_token_lstm.io.pt");
        int[] tokens = io["input"].Values.ToArray().Select(t => (int)t).ToArray();
        var output = new float[TokenLstm.OutputLength];
        for (int n = 0; n < 3; n++)
        {
            network.Forward(tokens.AsSpan(n * 5, 5), output);
            AssertClose(io["output"].Values.Slice(n * 3, 3), output, $"sample {n}");
        }
    }

    [Fact]
    public void LibtorchTwoLayerLstm_ImportedForwardMatchesLibtorch()
    {
        IReadOnlyDictionary<string, TensorData> state = LoadFixture("torch_stacked_lstm.pt");
        Assert.Contains("rnn.weight_ih_l1", state.Keys);
        var network = new TorchStackedLstm();
        PyTorchImport.Apply(state, TorchStackedLstm.Architecture, network.Parameters);
        IReadOnlyDictionary<string, TensorData> io = LoadFixture("torch_stacked_lstm.io.pt");
        var output = new float[TorchStackedLstm.OutputLength];
        for (int n = 0; n < 3; n++)
        {
            network.Forward(io["input"].Values.Slice(n * 15, 15), output);
            AssertClose(io["output"].Values.Slice(n * 2, 2), output, $"sample {n}");
        }
    }

    [Fact]
    public void LibtorchSequenceFlatten_ImportedForwardMatchesLibtorch()
    {
        // Flatten over (steps, features) orders the same in both frameworks: the Linear after it is only transposed.
        var network = new SensorLstm();
        PyTorchImport.Apply(LoadFixture("torch_sensor_lstm.pt"), SensorLstm.Architecture, network.Parameters);
        IReadOnlyDictionary<string, TensorData> io = LoadFixture("torch_sensor_lstm.io.pt");
        var output = new float[SensorLstm.OutputLength];
        for (int n = 0; n < 2; n++)
        {
            network.Forward(io["input"].Values.Slice(n * 12, 12), output);
            AssertClose(io["output"].Values.Slice(n * 3, 3), output, $"sample {n}");
        }
    }

    [Theory]
    [InlineData("torch_token_lstm.pt", new[] { "", "embedding", "lstm", "fc" })]
    [InlineData("torch_stacked_lstm.pt", new[] { "", "rnn", "head" })]
    [InlineData("torch_sensor_lstm.pt", new[] { "", "lstm", "per_step", "out" })]
    public void TestWriter_PicklesExactlyAsLibtorch(string fixture, string[] modules)
    {
        // The generated fixtures are only as good as the writer: its data.pkl must be libtorch's, byte for byte.
        byte[] file = File.ReadAllBytes(FixturePath(fixture));
        var tensors = PyTorchImport.LoadStateDict(new MemoryStream(file))
            .Select(e => new TorchTensor(e.Key, e.Value.Shape.ToArray(), e.Value.Values.ToArray()))
            .ToList();
        using var archive = new ZipArchive(new MemoryStream(file));
        ZipArchiveEntry entry = archive.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal));
        using var pickle = new MemoryStream();
        using (Stream data = entry.Open())
        {
            data.CopyTo(pickle);
        }

        Assert.Equal(pickle.ToArray(), TorchSaveWriter.Pickle(tensors, modules));
    }

    [Fact]
    public void LibtorchViewWithStorageOffset_LoadsItsOwnElements()
    {
        // {"view": torch.arange(10.)[3:9].view(2, 3)}: the whole 10-element storage is saved, the view starts at 3.
        TensorData view = LoadFixture("torch_offset_view.pt")["view"];
        Assert.Equal([2, 3], view.Shape);
        Assert.Equal([3f, 4f, 5f, 6f, 7f, 8f], view.Values.ToArray());
    }

    [Theory]
    [InlineData("torch_transposed.pt", "'w' is not contiguous")]
    [InlineData("torch_float64.pt", "'w' is float64")]
    [InlineData("torch_whole_module.pt", "pickled 'torch.nn.modules.linear.Linear' object")]
    public void LibtorchFilesThatAreNotFloat32StateDicts_AreRefused(string fixture, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => PyTorchImport.LoadStateDict(FixturePath(fixture)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(fixture, error.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- large networks, written at test time

    [Fact]
    public void SeedCnn_ImportedForwardMatchesPyTorchLayoutReference()
    {
        // nn.Sequential(Conv2d(1, 32, 3), ReLU, MaxPool2d(2), Conv2d(32, 64, 3), ReLU, MaxPool2d(2), Flatten,
        //               Linear(1600, 128), ReLU, Linear(128, 10), Softmax): keys 0, 3, 7 and 9.
        TorchTensor[] tensors =
        [
            Tensor("0.weight", [32, 1, 3, 3], 1, 0.3f), Tensor("0.bias", [32], 2, 0.1f),
            Tensor("3.weight", [64, 32, 3, 3], 3, 0.06f), Tensor("3.bias", [64], 4, 0.1f),
            Tensor("7.weight", [128, 1600], 5, 0.03f), Tensor("7.bias", [128], 6, 0.1f),
            Tensor("9.weight", [10, 128], 7, 0.1f), Tensor("9.bias", [10], 8, 0.1f),
        ];
        var network = new SeedCnn();
        Import(tensors, SeedCnn.Architecture, network.Parameters);

        Dictionary<string, float[]> w = TorchReference.ToDictionary(tensors);
        var output = new float[SeedCnn.OutputLength];
        for (int n = 0; n < 3; n++)
        {
            float[] image = TorchReference.Values(28 * 28, 100 + n, 1f);
            network.Forward(image, output);

            float[] x = TorchReference.ToChannelsFirst(image, 28, 28, 1);
            x = TorchReference.Conv2d(x, 1, 28, 28, w["0.weight"], w["0.bias"], 32, 3, 3, 0, 0, 26, 26);
            x = TorchReference.Apply(x, TorchReference.Relu);
            x = TorchReference.MaxPool2d(x, 32, 26, 26, 2);
            x = TorchReference.Conv2d(x, 32, 13, 13, w["3.weight"], w["3.bias"], 64, 3, 3, 0, 0, 11, 11);
            x = TorchReference.Apply(x, TorchReference.Relu);
            x = TorchReference.MaxPool2d(x, 64, 11, 11, 2);
            x = TorchReference.Apply(TorchReference.Linear(x, w["7.weight"], w["7.bias"]), TorchReference.Relu);
            float[] expected = TorchReference.Softmax(TorchReference.Linear(x, w["9.weight"], w["9.bias"]));
            Assert.True(expected.Max() < 0.99, "the reference saturated; the comparison would prove little");
            AssertClose(expected, output, $"image {n}");
        }
    }

    [Fact]
    public void TextLstm_ImportedForwardMatchesPyTorchLayoutReference()
    {
        // Embedding(10000, 64), LSTM(64, 64, batch_first=True), Linear(64, 10), Softmax on the last step.
        TorchTensor[] tensors =
        [
            Tensor("embedding.weight", [10000, 64], 11, 1f),
            Tensor("lstm.weight_ih_l0", [256, 64], 12, 0.2f), Tensor("lstm.weight_hh_l0", [256, 64], 13, 0.2f),
            Tensor("lstm.bias_ih_l0", [256], 14, 0.2f), Tensor("lstm.bias_hh_l0", [256], 15, 0.2f),
            Tensor("fc.weight", [10, 64], 16, 0.5f), Tensor("fc.bias", [10], 17, 0.2f),
        ];
        var network = new TorchTextLstm();
        Import(tensors, TorchTextLstm.Architecture, network.Parameters);

        Dictionary<string, float[]> w = TorchReference.ToDictionary(tensors);
        var output = new float[TorchTextLstm.OutputLength];
        var random = new Random(18);
        for (int n = 0; n < 2; n++)
        {
            int[] tokens = Enumerable.Range(0, 100).Select(_ => random.Next(10000)).ToArray();
            network.Forward(tokens, output);

            float[] x = TorchReference.Embedding(tokens, w["embedding.weight"], 64);
            x = TorchReference.Lstm(x, 100, 64, w["lstm.weight_ih_l0"], w["lstm.weight_hh_l0"], w["lstm.bias_ih_l0"],
                w["lstm.bias_hh_l0"]);
            float[] logits = TorchReference.Linear(TorchReference.Last(x, 64), w["fc.weight"], w["fc.bias"]);
            float[] expected = TorchReference.Softmax(logits);
            AssertClose(expected, output, $"sequence {n}");
        }
    }

    [Fact]
    public void TwoLayerLstm_ImportedForwardMatchesPyTorchLayoutReference()
    {
        TorchTensor[] tensors = StackedLstmTensors();
        var network = new TorchStackedLstm();
        Import(tensors, TorchStackedLstm.Architecture, network.Parameters);
        AssertStackedLstmMatches(network, tensors);
    }

    [Fact]
    public void ExplicitMapping_LoadsModulesStoredInAnotherOrder()
    {
        // A model that declares its head before its LSTM: the default order would put the head into the LSTM.
        TorchTensor[] tensors = StackedLstmTensors();
        TorchTensor[] reordered = [.. tensors[8..], .. tensors[..8]];
        var network = new TorchStackedLstm();
        byte[] file = TorchSaveWriter.Write(reordered);
        IReadOnlyDictionary<string, TensorData> state = PyTorchImport.LoadStateDict(new MemoryStream(file));
        Assert.Throws<InvalidDataException>(() =>
            PyTorchImport.Apply(state, TorchStackedLstm.Architecture, network.Parameters));

        var mapping = new PyTorchNameMapping { { "lstm", "rnn", 0 }, { "lstm_1", "rnn", 1 }, { "dense", "head" } };
        PyTorchImport.Apply(state, TorchStackedLstm.Architecture, network.Parameters, mapping);
        AssertStackedLstmMatches(network, tensors);
    }

    [Fact]
    public void ExplicitMapping_ThatLeavesOutALayerOrNamesAnUnknownOne_IsRefused()
    {
        IReadOnlyDictionary<string, TensorData> state = Load(StackedLstmTensors());
        var network = new TorchStackedLstm();
        float[] before = network.Parameters.ToArray();

        var partial = new PyTorchNameMapping { { "lstm", "rnn", 0 }, { "dense", "head" } };
        var error = Assert.Throws<ArgumentException>(() =>
            PyTorchImport.Apply(state, TorchStackedLstm.Architecture, network.Parameters, partial));
        Assert.Contains("'lstm_1'", error.Message, StringComparison.Ordinal);

        var unknown = new PyTorchNameMapping { { "lstm", "rnn", 0 }, { "lstm_1", "rnn", 1 }, { "dense_7", "head" } };
        error = Assert.Throws<ArgumentException>(() =>
            PyTorchImport.Apply(state, TorchStackedLstm.Architecture, network.Parameters, unknown));
        Assert.Contains("'dense_7'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    // ---------------------------------------------------------------- mismatches fail before changing anything

    [Theory]
    [InlineData("count",
        "holds 5 tensors, but the architecture needs 7: no module is left for layer 'dense' (Dense 6 to 3), " +
        "which needs weight [3, 6], bias [3]")]
    [InlineData("extra",
        "holds 8 tensors, but the architecture needs 7: 'extra.weight' [2, 2] and the tensors after it have no " +
        "layer left")]
    [InlineData("shape", "'fc.weight' has the shape [3, 5], but layer 'dense' (Dense 6 to 3) needs [3, 6]")]
    [InlineData("name",
        "'fc.b' [3] does not belong to layer 'dense' (Dense 6 to 3), which takes weight [3, 6], bias [3]")]
    [InlineData("missing", "no tensor 'fc.bias' [3] for layer 'dense'")]
    [InlineData("lstm shape",
        "'lstm.weight_hh_l0' has the shape [24, 5], but layer 'lstm' (LSTM 4 to 6 units) needs [24, 6]")]
    [InlineData("two-layer lstm",
        "an LSTM of 2 layers, but the architecture has 1 LSTM layers in a row from layer 'lstm'")]
    public void MismatchedStateDict_FailsNamingTheFirstMismatch_AndLeavesParametersUnchanged(
        string change, string message)
    {
        List<TorchTensor> tensors = TokenLstmTensors();
        switch (change)
        {
            case "count":
                tensors.RemoveAll(t => t.Key.StartsWith("fc.", StringComparison.Ordinal));
                break;
            case "extra":
                tensors.Add(Tensor("extra.weight", [2, 2], 9, 1f));
                break;
            case "shape":
                tensors[5] = Tensor("fc.weight", [3, 5], 9, 1f);
                break;
            case "name":
                tensors[6] = tensors[6] with { Key = "fc.b" };
                break;
            case "missing":
                tensors.RemoveAt(6);
                break;
            case "lstm shape":
                tensors[2] = Tensor("lstm.weight_hh_l0", [24, 5], 9, 1f);
                break;
            case "two-layer lstm":
                tensors.InsertRange(5,
                [
                    Tensor("lstm.weight_ih_l1", [24, 6], 9, 1f), Tensor("lstm.weight_hh_l1", [24, 6], 9, 1f),
                    Tensor("lstm.bias_ih_l1", [24], 9, 1f), Tensor("lstm.bias_hh_l1", [24], 9, 1f),
                ]);
                break;
        }

        var network = new TokenLstm();
        float[] before = network.Parameters.ToArray();
        IReadOnlyDictionary<string, TensorData> state = Load(tensors);
        var error = Assert.Throws<InvalidDataException>(() =>
            PyTorchImport.Apply(state, TokenLstm.Architecture, network.Parameters));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void ParametersOfAnotherNetwork_AreRefused()
    {
        IReadOnlyDictionary<string, TensorData> state = Load(TokenLstmTensors());
        var other = new TorchStackedLstm();
        var error = Assert.Throws<ArgumentException>(() =>
            PyTorchImport.Apply(state, TokenLstm.Architecture, other.Parameters));
        Assert.Equal("parameters", error.ParamName);
    }

    [Fact]
    public void MatchingStateDict_ChangesEveryParameter()
    {
        // The counterpart of the test above: the same state, unchanged, loads.
        var network = new TokenLstm();
        float[] before = network.Parameters.ToArray();
        PyTorchImport.Apply(Load(TokenLstmTensors()), TokenLstm.Architecture, network.Parameters);
        Assert.All(Enumerable.Range(0, before.Length), i => Assert.NotEqual(before[i], network.Parameters[i]));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.99)]
    [InlineData(0.0)]
    public void TruncatedZip_IsRefused(double keep)
    {
        byte[] file = TorchSaveWriter.Write(TokenLstmTensors());
        var error = Assert.Throws<InvalidDataException>(() =>
            PyTorchImport.LoadStateDict(new MemoryStream(file[..(int)(file.Length * keep)])));
        Assert.Contains("not a complete zip archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedPickle_IsRefusedAsInvalidData()
    {
        // Every way data.pkl can end early, and every single flipped byte, must give InvalidDataException: a
        // damaged file is a data error, not a crash inside the unpickler.
        byte[] pickle = TorchSaveWriter.Pickle(TokenLstmTensors(), ["", "embedding", "lstm", "fc"]);
        var damaged = new List<byte[]>();
        for (int length = 0; length < pickle.Length; length += 7)
        {
            damaged.Add(pickle[..length]);
        }

        for (int i = 0; i < pickle.Length; i += 3)
        {
            byte[] copy = pickle.ToArray();
            copy[i] ^= 0x5A;
            damaged.Add(copy);
        }

        int loaded = 0;
        foreach (byte[] bytes in damaged)
        {
            byte[] file = TorchSaveWriter.Write(TokenLstmTensors(), damage: _ => bytes);
            try
            {
                PyTorchImport.LoadStateDict(new MemoryStream(file));
                loaded++;
            }
            catch (InvalidDataException)
            {
            }
        }

        // A flip inside a key's text, say, still gives a well-formed state_dict; most damage cannot.
        Assert.True(loaded < damaged.Count / 2, $"{loaded} of {damaged.Count} damaged files loaded");
    }

    [Fact]
    public void LegacyTorchSaveFormat_IsRefusedWithAnExplanation()
    {
        // torch.save(..., _use_new_zipfile_serialization=False) starts with a pickled magic number.
        byte[] legacy = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
        var error = Assert.Throws<InvalidDataException>(() => PyTorchImport.LoadStateDict(new MemoryStream(legacy)));
        Assert.Contains("legacy format", error.Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- reading details

    [Fact]
    public void LargeStateDict_KeepsItsOrderAcrossPickleBatches()
    {
        // Python pickles dict items in batches of 1000, which SETITEMS applies from the last item of each batch.
        TorchTensor[] tensors = Enumerable.Range(0, 2345)
            .Select(i => new TorchTensor($"block{i % 7}.layer{i}.weight", [1], [i])).ToArray();
        IReadOnlyDictionary<string, TensorData> state = Load(tensors);
        Assert.Equal(tensors.Select(t => t.Key), state.Keys);
        Assert.Equal(tensors.Select(t => t.Values[0]), state.Values.Select(v => v.Values[0]));
    }

    [Fact]
    public void BigEndianFile_IsReadByItsByteOrderRecord()
    {
        TorchTensor tensor = Tensor("w", [2, 3], 21, 1f);
        byte[] file = TorchSaveWriter.Write([tensor], "model", bigEndian: true);
        Assert.Equal(tensor.Values, PyTorchImport.LoadStateDict(new MemoryStream(file))["w"].Values.ToArray());
    }

    [Fact]
    public void UnseekableStream_IsRead()
    {
        byte[] file = TorchSaveWriter.Write(TokenLstmTensors());
        using var stream = new ForwardOnlyStream(file);
        Assert.Equal(7, PyTorchImport.LoadStateDict(stream).Count);
    }

    // ---------------------------------------------------------------- helpers

    private static List<TorchTensor> TokenLstmTensors() =>
    [
        Tensor("embedding.weight", [11, 4], 1, 1f),
        Tensor("lstm.weight_ih_l0", [24, 4], 2, 0.4f), Tensor("lstm.weight_hh_l0", [24, 6], 3, 0.4f),
        Tensor("lstm.bias_ih_l0", [24], 4, 0.2f), Tensor("lstm.bias_hh_l0", [24], 5, 0.2f),
        Tensor("fc.weight", [3, 6], 6, 0.5f), Tensor("fc.bias", [3], 7, 0.2f),
    ];

    private static TorchTensor[] StackedLstmTensors() =>
    [
        Tensor("rnn.weight_ih_l0", [16, 3], 41, 0.5f), Tensor("rnn.weight_hh_l0", [16, 4], 42, 0.5f),
        Tensor("rnn.bias_ih_l0", [16], 43, 0.3f), Tensor("rnn.bias_hh_l0", [16], 44, 0.3f),
        Tensor("rnn.weight_ih_l1", [16, 4], 45, 0.5f), Tensor("rnn.weight_hh_l1", [16, 4], 46, 0.5f),
        Tensor("rnn.bias_ih_l1", [16], 47, 0.3f), Tensor("rnn.bias_hh_l1", [16], 48, 0.3f),
        Tensor("head.weight", [2, 4], 49, 0.8f), Tensor("head.bias", [2], 50, 0.3f),
    ];

    private static void AssertStackedLstmMatches(TorchStackedLstm network, TorchTensor[] tensors)
    {
        Dictionary<string, float[]> w = TorchReference.ToDictionary(tensors);
        var output = new float[TorchStackedLstm.OutputLength];
        for (int n = 0; n < 3; n++)
        {
            float[] x = TorchReference.Values(15, 60 + n, 1f);
            network.Forward(x, output);
            float[] h = TorchReference.Lstm(x, 5, 3, w["rnn.weight_ih_l0"], w["rnn.weight_hh_l0"],
                w["rnn.bias_ih_l0"], w["rnn.bias_hh_l0"]);
            h = TorchReference.Lstm(h, 5, 4, w["rnn.weight_ih_l1"], w["rnn.weight_hh_l1"], w["rnn.bias_ih_l1"],
                w["rnn.bias_hh_l1"]);
            float[] expected = TorchReference.Linear(TorchReference.Last(h, 4), w["head.weight"], w["head.bias"]);
            AssertClose(expected, output, $"sequence {n}");
        }
    }

    private static TorchTensor Tensor(string key, int[] shape, int seed, float scale) =>
        new(key, shape, TorchReference.Values(shape.Aggregate(1, (a, b) => a * b), seed, scale));

    private static IReadOnlyDictionary<string, TensorData> Load(IReadOnlyList<TorchTensor> tensors) =>
        PyTorchImport.LoadStateDict(new MemoryStream(TorchSaveWriter.Write(tensors)));

    private static void Import(IReadOnlyList<TorchTensor> tensors, string architecture, Span<float> parameters) =>
        PyTorchImport.Apply(Load(tensors), architecture, parameters);

    private static IReadOnlyDictionary<string, TensorData> LoadFixture(string name) =>
        PyTorchImport.LoadStateDict(FixturePath(name));

    internal static string FixturePath(string name)
    {
        // The fixtures stay in the source tree (tests/NetCompiler.Tests/Interop/Fixtures), found above the binaries.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null;
            directory = directory.Parent)
        {
            string candidate =
                Path.Combine(directory.FullName, "tests", "NetCompiler.Tests", "Interop", "Fixtures", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"No fixture {name} above {AppContext.BaseDirectory}.");
    }

    private static float[] ToChannelsLast(ReadOnlySpan<float> image, int channels, int height, int width)
    {
        var result = new float[image.Length];
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    result[(y * width + x) * channels + c] = image[(c * height + y) * width + x];
                }
            }
        }

        return result;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(expected[i] - actual[i]);
            Assert.True(difference <= Tolerance * (1 + Math.Abs(expected[i])),
                $"{what}, output {i}: expected {expected[i]}, got {actual[i]} (difference {difference:G3}).");
        }
    }

    /// <summary>A stream that can only be read forward, like a network download or a pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
