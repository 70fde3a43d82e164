using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PureHDF;
using PureHDF.VOL.Native;

namespace NetCompiler;

/// <summary>
/// Loads weights saved by Keras' <c>model.save_weights</c> into a generated network. Our parameters already use
/// Keras' layouts, so tensors are matched and checked, never rearranged.
/// </summary>
/// <remarks>
/// Two layouts are read (docs/weights-import.md shows both):
/// <list type="bullet">
/// <item>Keras 3's <c>.weights.h5</c>: <c>layers/&lt;name&gt;/vars/0, 1, ...</c>, where the name is the layer's
/// class in snake case counted per class (<c>dense</c>, <c>dense_1</c>) exactly as our layer names, and an LSTM's
/// variables sit under <c>layers/lstm/cell/vars</c>.</item>
/// <item>The legacy HDF5 format of Keras 2 and tf.keras (<c>save_weights("w.h5")</c>, or the
/// <c>model_weights</c> group of a whole model saved as <c>.h5</c>): the attribute <c>layer_names</c> lists the
/// layers in order and each layer group's <c>weight_names</c> attribute lists its datasets in order, such as
/// <c>dense/kernel:0</c>. Layers are matched by position among those that have weights, as Keras does.</item>
/// </list>
/// Nothing is written into the parameters until every tensor has been found and checked.
/// TODO: a Keras 3 <c>.keras</c> archive holds the same weights as <c>model.weights.h5</c> inside a zip; reading it
/// from the zip is not written yet, so users must extract that file first.
/// </remarks>
public static class KerasImport
{
    /// <summary>
    /// Reads a Keras weights file into a network:
    /// <c>KerasImport.LoadWeights(path, MyNet.Architecture, net.Parameters)</c>.
    /// </summary>
    /// <param name="h5Path">A <c>.weights.h5</c> (Keras 3) or <c>.h5</c> (legacy) file.</param>
    /// <param name="architecture">The network's <c>Architecture</c> constant.</param>
    /// <param name="parameters">The network's <c>Parameters</c>; changed only if the whole import succeeds.</param>
    /// <exception cref="ArgumentException">
    /// The architecture cannot be parsed or <paramref name="parameters"/> is not its size.
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a Keras weights file, or its layers or tensors do not match the architecture (count, shape,
    /// or a layer with weights the architecture does not have); the message names the first mismatch.
    /// </exception>
    public static void LoadWeights(string h5Path, string architecture, Span<float> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(h5Path);
        NetworkArchitecture network = ImportArchitecture.Parse(architecture, parameters.Length);
        List<(int Index, ArchitectureLayer Layer)> weighted = ImportArchitecture.WeightedLayers(network);
        var converted = new float[parameters.Length];

        NativeFile file;
        try
        {
            file = H5File.OpenRead(h5Path);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"'{h5Path}' is not an HDF5 file ({e.Message}).", e);
        }

        using (file)
        {
            try
            {
                if (file.LinkExists("layers") || file.LinkExists("_layer_checkpoint_dependencies"))
                {
                    ReadKeras3(file, weighted, converted);
                }
                else if (file.AttributeExists("layer_names") || file.AttributeExists("layer_names0"))
                {
                    ReadLegacy(file, string.Empty, weighted, converted);
                }
                else if (file.LinkExists("model_weights"))
                {
                    ReadLegacy(file.Group("model_weights"), "model_weights/", weighted, converted);
                }
                else
                {
                    throw new InvalidDataException(
                        $"'{h5Path}' is an HDF5 file but not Keras weights: it has neither a 'layers' group (a " +
                        "Keras 3 .weights.h5) nor a 'layer_names' attribute or 'model_weights' group (a legacy .h5).");
                }
            }
            catch (Exception e) when (e is not InvalidDataException and not ArgumentException)
            {
                // PureHDF reports a damaged file with its own exception types; say which file and that it is damaged.
                throw new InvalidDataException($"'{h5Path}' could not be read as HDF5 ({e.Message}).", e);
            }
        }

        converted.CopyTo(parameters);
    }

    private static void ReadKeras3(
        NativeFile file, List<(int Index, ArchitectureLayer Layer)> weighted, float[] parameters)
    {
        // Keras 2.13 wrote the same structure under this name; Keras 3 still reads it.
        string root = file.LinkExists("layers") ? "layers" : "_layer_checkpoint_dependencies";
        IH5Group layers = file.Group(root);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((_, ArchitectureLayer layer) in weighted)
        {
            names.Add(layer.Name);
            string path = $"{root}/{layer.Name}/{(layer is LstmLayer ? "cell/vars" : "vars")}";
            if (!file.LinkExists(path))
            {
                throw new InvalidDataException(
                    $"The file has no group '{path}' for {ImportArchitecture.Describe(layer)}; its layers are " +
                    $"{string.Join(", ", layers.Children().Select(c => c.Name))}.");
            }

            IH5Group vars = file.Group(path);
            int count = vars.Children().Count();
            int[][] shapes = KerasShapes(layer);
            if (count != shapes.Length)
            {
                throw new InvalidDataException(
                    $"The group '{path}' holds {count} variables, but {ImportArchitecture.Describe(layer)} has " +
                    $"{shapes.Length} ({VariableNames(layer)}).");
            }

            int offset = layer.Offset;
            for (int v = 0; v < shapes.Length; v++)
            {
                string name = v.ToString(CultureInfo.InvariantCulture);
                offset += ReadDataset(vars, name, $"{path}/{name}", layer, v, shapes[v], parameters.AsSpan(offset));
            }
        }

        // A layer with weights that the architecture lacks (a BatchNormalization, say) would change what the Keras
        // model computes, so it fails the import instead of being skipped.
        foreach (IH5Object child in layers.Children())
        {
            if (child is IH5Group group && !names.Contains(child.Name) && HoldsVariables(group))
            {
                throw new InvalidDataException(
                    $"The file's layer '{root}/{child.Name}' has weights, but the architecture has no layer of that " +
                    "name; its layers with weights are " + string.Join(", ", names) + ".");
            }
        }
    }

    private static bool HoldsVariables(IH5Group group) => group.Children().Any(child => child switch
    {
        IH5Dataset => true,
        IH5Group inner => HoldsVariables(inner),
        _ => false,
    });

    private static void ReadLegacy(
        IH5Group root, string prefix, List<(int Index, ArchitectureLayer Layer)> weighted, float[] parameters)
    {
        // Keras pairs layers by position among those with weights; the names may differ (dense_7 vs dense).
        var saved = new List<(string Name, string[] Weights)>();
        foreach (string name in ReadStrings(root, "layer_names"))
        {
            if (!root.LinkExists(name))
            {
                throw new InvalidDataException($"The file lists the layer '{name}' but has no group '{prefix}{name}'.");
            }

            string[] weights = ReadStrings(root.Group(name), "weight_names");
            if (weights.Length > 0)
            {
                saved.Add((name, weights));
            }
        }

        if (root.LinkExists("top_level_model_weights")
            && ReadStrings(root.Group("top_level_model_weights"), "weight_names").Length > 0)
        {
            throw new InvalidDataException(
                $"The file has model-level weights ({prefix}top_level_model_weights), which no layer of the " +
                "architecture holds.");
        }

        if (saved.Count != weighted.Count)
        {
            throw new InvalidDataException(
                $"The file has {saved.Count} layers with weights ({string.Join(", ", saved.Select(s => s.Name))}), " +
                $"but the architecture has {weighted.Count} " +
                $"({string.Join(", ", weighted.Select(w => w.Layer.Name))}).");
        }

        for (int i = 0; i < saved.Count; i++)
        {
            (string name, string[] weights) = saved[i];
            ArchitectureLayer layer = weighted[i].Layer;
            int[][] shapes = KerasShapes(layer);
            if (weights.Length != shapes.Length)
            {
                throw new InvalidDataException(
                    $"The file's layer '{name}' has {weights.Length} weights ({string.Join(", ", weights)}), but " +
                    $"{ImportArchitecture.Describe(layer)} has {shapes.Length} ({VariableNames(layer)}).");
            }

            IH5Group group = root.Group(name);
            int offset = layer.Offset;
            for (int v = 0; v < shapes.Length; v++)
            {
                offset += ReadDataset(group, weights[v], $"{prefix}{name}/{weights[v]}", layer, v, shapes[v],
                    parameters.AsSpan(offset));
            }
        }
    }

    private static int ReadDataset(
        IH5Group group, string name, string path, ArchitectureLayer layer, int variable, int[] shape,
        Span<float> destination)
    {
        if (!group.LinkExists(name) || group.Get(name) is not IH5Dataset dataset)
        {
            throw new InvalidDataException(
                $"The file has no dataset '{path}' for {ImportArchitecture.Describe(layer)}.");
        }

        ulong[] dimensions = dataset.Space.Dimensions;
        if (!dimensions.Select(d => (long)d).SequenceEqual(shape.Select(d => (long)d)))
        {
            throw new InvalidDataException(
                $"The dataset '{path}' has the shape ({string.Join(", ", dimensions)}), but the " +
                $"{VariableName(layer, variable)} of {ImportArchitecture.Describe(layer)} is " +
                $"({string.Join(", ", shape)}).");
        }

        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint || dataset.Type.Size != sizeof(float))
        {
            throw new InvalidDataException(
                $"The dataset '{path}' holds {dataset.Type.Size}-byte {dataset.Type.Class} values, but only float32 " +
                "weights can be imported.");
        }

        // TODO: PureHDF 2.2's Read<T> makes generic methods by reflection, so this fails in a NativeAOT binary
        // (docs/weights-import.md tells users to import in a JIT program); a byte-level read would lift that.
        float[] values = dataset.Read<float[]>();
        int length = shape.Aggregate(1, (a, b) => a * b);
        if (values.Length != length)
        {
            throw new InvalidDataException($"The dataset '{path}' gave {values.Length} values instead of {length}.");
        }

        values.CopyTo(destination);
        return length;
    }

    // Keras' variables in creation order, which is both files' order and our parameter order.
    private static int[][] KerasShapes(ArchitectureLayer layer) => layer switch
    {
        Conv2DLayer c => [[c.KernelHeight, c.KernelWidth, c.Input.Channels, c.Output.Channels], [c.Output.Channels]],
        DenseLayer d => [[d.InputUnits, d.Units], [d.Units]],
        EmbeddingLayer e => [[e.InputDim, e.OutputDim]],
        LstmLayer l => [[l.Features, 4 * l.Units], [l.Units, 4 * l.Units], [4 * l.Units]],
        _ => [],
    };

    private static string VariableNames(ArchitectureLayer layer) =>
        string.Join(", ", Enumerable.Range(0, KerasShapes(layer).Length).Select(v => VariableName(layer, v)));

    private static string VariableName(ArchitectureLayer layer, int variable) => (layer, variable) switch
    {
        (EmbeddingLayer, _) => "embeddings",
        (LstmLayer, 1) => "recurrent_kernel",
        (LstmLayer, 2) => "bias",
        (_, 0) => "kernel",
        _ => "bias",
    };

    // h5py writes Keras' name lists as fixed-length byte strings; an attribute too large for an object header is
    // split by Keras into name0, name1, ... (legacy_h5_format.save_attributes_to_hdf5_group).
    private static string[] ReadStrings(IH5Object owner, string name)
    {
        if (owner.AttributeExists(name))
        {
            return ReadAttribute(owner.Attribute(name));
        }

        var parts = new List<string>();
        for (int chunk = 0; owner.AttributeExists(name + chunk.ToString(CultureInfo.InvariantCulture)); chunk++)
        {
            parts.AddRange(ReadAttribute(owner.Attribute(name + chunk.ToString(CultureInfo.InvariantCulture))));
        }

        return parts.ToArray();
    }

    private static string[] ReadAttribute(IH5Attribute attribute) =>
        attribute.Space.Dimensions.Length == 0 || attribute.Space.Dimensions[0] == 0
            ? attribute.Space.Dimensions.Length == 0 && attribute.Type.Class == H5DataTypeClass.String
                ? [attribute.Read<string>()]
                : []
            : attribute.Read<string[]>();
}
