using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetCompiler.Tests.Networks;
using PureHDF;
using Xunit;

namespace NetCompiler.Tests.Interop;

/// <summary>
/// Keras import from both layouts: files written by libhdf5 (h5py, committed; see Fixtures/make_keras_fixtures.py)
/// and by PureHDF's writer at test time. Keras' layouts are ours, so the parameters must equal the file's tensors
/// concatenated in layer order, exactly.
/// </summary>
public sealed class KerasImportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("keras-import-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // TokenLstm's Keras variables in creation order: (layer, variable, shape).
    private static readonly (string Layer, string Name, int[] Shape)[] s_tokenLstm =
    [
        ("embedding", "embeddings", [11, 4]),
        ("lstm", "kernel", [4, 24]),
        ("lstm", "recurrent_kernel", [6, 24]),
        ("lstm", "bias", [24]),
        ("dense", "kernel", [6, 3]),
        ("dense", "bias", [3]),
    ];

    // PaddedCnn: two convolutions, a pool and a flatten (no weights), two dense layers.
    private static readonly (string Layer, string Name, int[] Shape)[] s_paddedCnn =
    [
        ("conv2d", "kernel", [3, 3, 3, 5]),
        ("conv2d", "bias", [5]),
        ("conv2d_1", "kernel", [2, 3, 5, 19]),
        ("conv2d_1", "bias", [19]),
        ("dense", "kernel", [76, 21]),
        ("dense", "bias", [21]),
        ("dense_1", "kernel", [21, 3]),
        ("dense_1", "bias", [3]),
    ];

    [Theory]
    [InlineData("keras3_token_lstm.weights.h5")]
    [InlineData("legacy_token_lstm.h5")]
    public void LibhdfWrittenFile_LoadsEveryTensorInPlace(string fixture)
    {
        var network = new TokenLstm();
        KerasImport.LoadWeights(PyTorchImportTests.FixturePath(fixture), TokenLstm.Architecture, network.Parameters);
        Assert.Equal(Concatenated(s_tokenLstm), network.Parameters.ToArray());
    }

    [Fact]
    public void Keras3Layout_TokenLstm_Loads()
    {
        string path = WriteKeras3(s_tokenLstm);
        var network = new TokenLstm();
        KerasImport.LoadWeights(path, TokenLstm.Architecture, network.Parameters);
        Assert.Equal(Concatenated(s_tokenLstm), network.Parameters.ToArray());
    }

    [Fact]
    public void Keras3Layout_Cnn_Loads()
    {
        string path = WriteKeras3(s_paddedCnn, extraLayers: ["max_pooling2d", "flatten"]);
        var network = new PaddedCnn();
        KerasImport.LoadWeights(path, PaddedCnn.Architecture, network.Parameters);
        Assert.Equal(Concatenated(s_paddedCnn), network.Parameters.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LegacyLayout_Cnn_LoadsByPosition(bool wholeModel)
    {
        // Names as tf.keras gives a second model in one session: conv2d_2, dense_5 ...; only the order matters.
        var names = new Dictionary<string, string>
        {
            ["conv2d"] = "conv2d_2", ["conv2d_1"] = "conv2d_3", ["dense"] = "dense_5", ["dense_1"] = "dense_6",
        };
        string[] layerNames = ["conv2d_2", "conv2d_3", "max_pooling2d_1", "flatten_1", "dense_5", "dense_6"];
        string path = WriteLegacy(s_paddedCnn, names, wholeModel, layerNames);
        var network = new PaddedCnn();
        KerasImport.LoadWeights(path, PaddedCnn.Architecture, network.Parameters);
        Assert.Equal(Concatenated(s_paddedCnn), network.Parameters.ToArray());
    }

    [Theory]
    [InlineData("shape",
        "'layers/dense/vars/0' has the shape (6, 4), but the kernel of layer 'dense' (Dense 6 to 3) is (6, 3)")]
    [InlineData("missing",
        "'layers/lstm/cell/vars' holds 2 variables, but layer 'lstm' (LSTM 4 to 6 units) has 3 " +
        "(kernel, recurrent_kernel, bias)")]
    [InlineData("extra", "'layers/batch_normalization' has weights, but the architecture has no layer of that name")]
    [InlineData("float64", "'layers/dense/vars/1' holds 8-byte FloatingPoint values, but only float32")]
    public void MismatchedKeras3File_FailsNamingTheMismatch_AndLeavesParametersUnchanged(string change, string message)
    {
        var tensors = s_tokenLstm.ToList();
        string[] extra = [];
        bool float64 = false;
        switch (change)
        {
            case "shape":
                tensors[4] = ("dense", "kernel", [6, 4]);
                break;
            case "missing":
                tensors.RemoveAt(3);
                break;
            case "extra":
                tensors.Add(("batch_normalization", "gamma", [3]));
                extra = ["flatten"];
                break;
            case "float64":
                float64 = true;
                break;
        }

        string path = WriteKeras3(tensors, extra, float64Last: float64);
        var network = new TokenLstm();
        float[] before = network.Parameters.ToArray();
        var error = Assert.Throws<InvalidDataException>(() =>
            KerasImport.LoadWeights(path, TokenLstm.Architecture, network.Parameters));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void LegacyFileWithAnotherLayerCount_IsRefused()
    {
        var names = s_paddedCnn.Select(t => t.Layer).Distinct().ToDictionary(n => n, n => n);
        string path = WriteLegacy(s_paddedCnn[..6], names, wholeModel: false, ["conv2d", "conv2d_1", "dense"]);
        var network = new PaddedCnn();
        float[] before = network.Parameters.ToArray();
        var error = Assert.Throws<InvalidDataException>(() =>
            KerasImport.LoadWeights(path, PaddedCnn.Architecture, network.Parameters));
        Assert.Contains("has 3 layers with weights (conv2d, conv2d_1, dense), but the architecture has 4",
            error.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void FileThatIsNotHdf5_IsRefused()
    {
        string path = Path.Combine(_directory, "weights.h5");
        File.WriteAllText(path, "not an HDF5 file");
        var network = new TokenLstm();
        Assert.Throws<InvalidDataException>(() =>
            KerasImport.LoadWeights(path, TokenLstm.Architecture, network.Parameters));
    }

    [Fact]
    public void Hdf5FileWithoutKerasGroups_IsRefused()
    {
        string path = Path.Combine(_directory, "other.h5");
        new H5File { ["data"] = new H5Dataset(new float[] { 1, 2 }) }.Write(path);
        var network = new TokenLstm();
        var error = Assert.Throws<InvalidDataException>(() =>
            KerasImport.LoadWeights(path, TokenLstm.Architecture, network.Parameters));
        Assert.Contains("not Keras weights", error.Message, StringComparison.Ordinal);
    }

    // Value j of tensor t: t + (37 j mod 101) / 101, as make_keras_fixtures.py writes them.
    private static float[] Values(int tensor, int length) =>
        Enumerable.Range(0, length).Select(j => (float)(tensor + (j * 37L % 101) / 101.0)).ToArray();

    private static int Length(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static float[] Concatenated(IReadOnlyList<(string Layer, string Name, int[] Shape)> tensors) =>
        tensors.SelectMany((t, i) => Values(i, Length(t.Shape))).ToArray();

    private string WriteKeras3(
        IReadOnlyList<(string Layer, string Name, int[] Shape)> tensors, string[]? extraLayers = null,
        bool float64Last = false)
    {
        // layers/<name>/vars/<i>, an LSTM's under layers/<name>/cell/vars, as Keras 3's H5IOStore writes them.
        var layers = new H5Group();
        foreach (string extra in extraLayers ?? [])
        {
            layers[extra] = new H5Group { ["vars"] = new H5Group() };
        }

        var counts = new Dictionary<string, int>();
        for (int t = 0; t < tensors.Count; t++)
        {
            (string layer, _, int[] shape) = tensors[t];
            bool lstm = layer.StartsWith("lstm", StringComparison.Ordinal);
            if (!layers.ContainsKey(layer))
            {
                layers[layer] = lstm
                    ? new H5Group { ["vars"] = new H5Group(), ["cell"] = new H5Group { ["vars"] = new H5Group() } }
                    : new H5Group { ["vars"] = new H5Group() };
            }

            var layerGroup = (H5Group)layers[layer];
            var vars = (H5Group)(lstm ? ((H5Group)layerGroup["cell"])["vars"] : layerGroup["vars"]);
            counts.TryGetValue(layer, out int index);
            counts[layer] = index + 1;
            float[] values = Values(t, Length(shape));
            ulong[] dims = shape.Select(d => (ulong)d).ToArray();
            string name = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            vars[name] = float64Last && t == tensors.Count - 1
                ? new H5Dataset(values.Select(v => (double)v).ToArray(), fileDims: dims)
                : new H5Dataset(values, fileDims: dims);
        }

        string path = Path.Combine(_directory, "model.weights.h5");
        new H5File { ["vars"] = new H5Group(), ["layers"] = layers }.Write(path);
        return path;
    }

    private string WriteLegacy(
        IReadOnlyList<(string Layer, string Name, int[] Shape)> tensors, IReadOnlyDictionary<string, string> names,
        bool wholeModel, string[] layerNames)
    {
        // <layer>/<layer>/<variable>:0 with the attributes layer_names and weight_names, as tf.keras writes them.
        var root = new H5Group();
        foreach (string name in layerNames)
        {
            root[name] = new H5Group();
            ((H5Group)root[name]).Attributes["weight_names"] = Array.Empty<string>();
        }

        foreach (IGrouping<string, (int Index, (string Layer, string Name, int[] Shape) Tensor)> layer in
            tensors.Select((t, i) => (i, t)).GroupBy(x => x.t.Layer))
        {
            string name = names[layer.Key];
            var group = (H5Group)root[name];
            var inner = new H5Group();
            group[name] = inner;
            group.Attributes["weight_names"] = layer.Select(x => $"{name}/{x.Tensor.Name}:0").ToArray();
            foreach ((int index, (_, string variable, int[] shape)) in layer)
            {
                inner[variable + ":0"] = new H5Dataset(Values(index, Length(shape)),
                    fileDims: shape.Select(d => (ulong)d).ToArray());
            }
        }

        root.Attributes["layer_names"] = layerNames;
        string path = Path.Combine(_directory, wholeModel ? "model.h5" : "weights.h5");
        var file = new H5File();
        if (wholeModel)
        {
            file["model_weights"] = root;
        }
        else
        {
            foreach (KeyValuePair<string, object> child in root)
            {
                file[child.Key] = child.Value;
            }

            file.Attributes["layer_names"] = layerNames;
        }

        file.Write(path);
        return path;
    }
}
