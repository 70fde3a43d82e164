using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NetCompiler;

/// <summary>
/// Loads weights trained in PyTorch into a generated network: reads a state_dict saved by <c>torch.save</c> and
/// writes it into the network's <c>Parameters</c>, converting each tensor from PyTorch's layout to Keras'.
/// </summary>
/// <remarks>
/// The steps, the default name mapping and each layout conversion are described in docs/weights-import.md.
/// Nothing is written into the parameters until every tensor has been matched and checked, so a failed import
/// leaves the network exactly as it was.
/// </remarks>
public static partial class PyTorchImport
{
    /// <summary>
    /// Writes a state_dict's tensors into a network's parameters: <c>PyTorchImport.Apply(state,
    /// MyNet.Architecture, net.Parameters)</c>.
    /// </summary>
    /// <param name="state">
    /// The tensors by PyTorch name, in state_dict order (as <see cref="LoadStateDict(Stream)"/> returns them).
    /// </param>
    /// <param name="architecture">The network's <c>Architecture</c> constant.</param>
    /// <param name="parameters">The network's <c>Parameters</c>; changed only if the whole import succeeds.</param>
    /// <param name="mapping">
    /// Which module holds which layer. Without one, our layers with weights take PyTorch's modules in state_dict
    /// order: Conv2d, Linear and Embedding one module each, and an <c>nn.LSTM</c> of n layers n consecutive LSTMs.
    /// </param>
    /// <exception cref="ArgumentException">
    /// The architecture cannot be parsed, <paramref name="parameters"/> is not its size, or the mapping names a
    /// layer the architecture does not have or leaves one out.
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// The state_dict does not fit: a tensor is missing, left over, or of another shape. The message names the
    /// first such tensor, with the expected and the actual shape in PyTorch's layout.
    /// </exception>
    public static void Apply(
        IReadOnlyDictionary<string, TensorData> state, string architecture, Span<float> parameters,
        PyTorchNameMapping? mapping = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        NetworkArchitecture network = ImportArchitecture.Parse(architecture, parameters.Length);
        List<Assignment> assignments = mapping is null ? MapInOrder(state, network) : MapByName(mapping, network);
        CheckTensors(state, assignments);

        // Convert into a scratch array first: a failure on the last layer must not leave the first ones changed.
        var converted = new float[parameters.Length];
        foreach (Assignment assignment in assignments)
        {
            Convert(state, network, assignment, converted);
        }

        converted.CopyTo(parameters);
    }

    /// <summary>
    /// One of our layers (or, for an LSTM, one layer of a PyTorch nn.LSTM) and the module it loads from.
    /// </summary>
    private sealed record Assignment(int LayerIndex, ArchitectureLayer Layer, string Module, int RecurrentLayer)
    {
        public string[] ParameterNames => Layer switch
        {
            LstmLayer =>
            [
                Indexed("weight_ih_l"), Indexed("weight_hh_l"), Indexed("bias_ih_l"), Indexed("bias_hh_l"),
            ],
            EmbeddingLayer => ["weight"],
            _ => ["weight", "bias"],
        };

        public string[] Keys => ParameterNames.Select(p => Module.Length == 0 ? p : Module + "." + p).ToArray();

        // The shapes in PyTorch's layouts, in the order of ParameterNames.
        public int[][] Shapes => Layer switch
        {
            Conv2DLayer c =>
            [
                [c.Output.Channels, c.Input.Channels, c.KernelHeight, c.KernelWidth], [c.Output.Channels],
            ],
            DenseLayer d => [[d.Units, d.InputUnits], [d.Units]],
            EmbeddingLayer e => [[e.InputDim, e.OutputDim]],
            LstmLayer l => [[4 * l.Units, l.Features], [4 * l.Units, l.Units], [4 * l.Units], [4 * l.Units]],
            _ => throw new InvalidOperationException($"Layer '{Layer.Name}' has no weights."),
        };

        public string Describe() => ImportArchitecture.Describe(Layer);

        private string Indexed(string name) => name + RecurrentLayer.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A module: a key prefix and the parameter names under it, in state_dict order.</summary>
    private sealed record Module(string Prefix, List<string> Parameters)
    {
        public string Key(string parameter) => Prefix.Length == 0 ? parameter : Prefix + "." + parameter;

        public string Describe() => Prefix.Length == 0 ? "the keys without a module prefix" : $"module '{Prefix}'";

        // How many layers an nn.LSTM module has: weight_ih_l0, weight_ih_l1, ... without a gap.
        public int RecurrentDepth()
        {
            int depth = 0;
            while (Parameters.Contains("weight_ih_l" + depth.ToString(CultureInfo.InvariantCulture)))
            {
                depth++;
            }

            return depth;
        }
    }

    private static List<Assignment> MapInOrder(
        IReadOnlyDictionary<string, TensorData> state, NetworkArchitecture network)
    {
        List<Module> modules = GroupByModule(state.Keys);
        var weighted = ImportArchitecture.WeightedLayers(network);
        int needed = weighted.Sum(w => TensorCount(w.Layer));
        var assignments = new List<Assignment>(weighted.Count);
        int next = 0;
        for (int i = 0; i < weighted.Count; i++)
        {
            (int index, ArchitectureLayer layer) = weighted[i];
            if (next == modules.Count)
            {
                var missing = new Assignment(index, layer, "<module>", 0);
                throw new InvalidDataException(
                    $"The state_dict holds {state.Count} tensors, but the architecture needs {needed}: no module is " +
                    $"left for {missing.Describe()}, which needs {ExpectedList(missing)}.");
            }

            Module module = modules[next++];
            int first = assignments.Count;
            if (layer is LstmLayer)
            {
                int depth = module.RecurrentDepth();
                for (int k = 0; k < Math.Max(depth, 1); k++)
                {
                    if (k > 0 && (++i >= weighted.Count || weighted[i].Layer is not LstmLayer))
                    {
                        throw new InvalidDataException(
                            $"The PyTorch {module.Describe()} is an LSTM of {depth} layers, but the architecture has " +
                            $"{k} LSTM layers in a row from {assignments[first].Describe()}: every layer of a " +
                            "multi-layer LSTM needs an LSTM layer here to load into.");
                    }

                    assignments.Add(new Assignment(weighted[i].Index, weighted[i].Layer, module.Prefix, k));
                }
            }
            else
            {
                assignments.Add(new Assignment(index, layer, module.Prefix, 0));
            }

            // The module must hold exactly what these layers take: a BatchNorm's running_mean or an LSTM's
            // weight_hr_l0 (proj_size) has nowhere to go, and skipping it would change what the model computes.
            var expected = new HashSet<string>(
                assignments.Skip(first).SelectMany(a => a.ParameterNames), StringComparer.Ordinal);
            foreach (string parameter in module.Parameters.Where(p => !expected.Contains(p)))
            {
                string key = module.Key(parameter);
                throw new InvalidDataException(
                    $"The state_dict's tensor '{key}' {state[key]} does not belong to " +
                    $"{assignments[first].Describe()}, which takes {ExpectedList(assignments[first])} from the " +
                    $"{module.Describe()}.");
            }
        }

        if (next < modules.Count)
        {
            string key = modules[next].Key(modules[next].Parameters[0]);
            throw new InvalidDataException(
                $"The state_dict holds {state.Count} tensors, but the architecture needs {needed}: '{key}' " +
                $"{state[key]} and the tensors after it have no layer left to load into.");
        }

        return assignments;
    }

    private static List<Assignment> MapByName(PyTorchNameMapping mapping, NetworkArchitecture network)
    {
        var weighted = ImportArchitecture.WeightedLayers(network);
        var names = new HashSet<string>(weighted.Select(w => w.Layer.Name), StringComparer.Ordinal);
        foreach (KeyValuePair<string, (string Module, int RecurrentLayer)> entry in mapping)
        {
            if (!names.Contains(entry.Key))
            {
                throw new ArgumentException(
                    $"The mapping names the layer '{entry.Key}', but the architecture's layers with weights are " +
                    $"{string.Join(", ", names)}.", nameof(mapping));
            }
        }

        var assignments = new List<Assignment>(weighted.Count);
        foreach ((int index, ArchitectureLayer layer) in weighted)
        {
            if (!mapping.TryGetModule(layer.Name, out string module, out int recurrentLayer))
            {
                throw new ArgumentException(
                    $"The mapping does not say where {ImportArchitecture.Describe(layer)} is; a mapping must name " +
                    "every layer with weights.", nameof(mapping));
            }

            if (recurrentLayer != 0 && layer is not LstmLayer)
            {
                throw new ArgumentException(
                    $"The mapping gives {ImportArchitecture.Describe(layer)} a recurrent layer index, which " +
                    "only LSTM layers have.", nameof(mapping));
            }

            assignments.Add(new Assignment(index, layer, module, recurrentLayer));
        }

        return assignments;
    }

    private static void CheckTensors(IReadOnlyDictionary<string, TensorData> state, List<Assignment> assignments)
    {
        var used = new Dictionary<string, Assignment>(StringComparer.Ordinal);
        foreach (Assignment assignment in assignments)
        {
            string[] keys = assignment.Keys;
            int[][] shapes = assignment.Shapes;
            for (int t = 0; t < keys.Length; t++)
            {
                if (!state.TryGetValue(keys[t], out TensorData? tensor))
                {
                    throw new InvalidDataException(
                        $"The state_dict has no tensor '{keys[t]}' {TensorData.Format(shapes[t])} for " +
                        $"{assignment.Describe()}.");
                }

                if (!used.TryAdd(keys[t], assignment))
                {
                    throw new ArgumentException(
                        $"The mapping loads '{keys[t]}' into both {used[keys[t]].Describe()} and " +
                        $"{assignment.Describe()}.", "mapping");
                }

                if (!tensor.ShapeSpan.SequenceEqual(shapes[t]))
                {
                    throw new InvalidDataException(
                        $"The state_dict's tensor '{keys[t]}' has the shape {tensor}, but {assignment.Describe()} " +
                        $"needs {TensorData.Format(shapes[t])} (PyTorch's layout: {Layout(assignment.Layer, t)}).");
                }
            }
        }

        foreach (KeyValuePair<string, TensorData> entry in state)
        {
            if (!used.ContainsKey(entry.Key))
            {
                throw new InvalidDataException(
                    $"The state_dict's tensor '{entry.Key}' {entry.Value} is not loaded into any layer; the mapping " +
                    "must use every tensor, so that nothing the PyTorch model computes with is left behind.");
            }
        }
    }

    private static void Convert(
        IReadOnlyDictionary<string, TensorData> state, NetworkArchitecture network, Assignment assignment,
        Span<float> parameters)
    {
        string[] keys = assignment.Keys;
        ReadOnlySpan<float> Tensor(int t) => state[keys[t]].Values;
        switch (assignment.Layer)
        {
            case Conv2DLayer c:
                WeightLayouts.Conv2DKernel(Tensor(0), c.Output.Channels, c.Input.Channels, c.KernelHeight,
                    c.KernelWidth, parameters.Slice(c.Offset, c.KernelLength));
                Tensor(1).CopyTo(parameters.Slice(c.Offset + c.KernelLength, c.Output.Channels));
                break;

            case DenseLayer d:
                Span<float> kernel = parameters.Slice(d.Offset, d.InputUnits * d.Units);
                // PyTorch flattens a feature map channel by channel (c, h, w); we flatten pixel by pixel (h, w, c).
                ArchitectureLayer? previous =
                    assignment.LayerIndex > 0 ? network.Layers[assignment.LayerIndex - 1] : null;
                if (previous is FlattenLayer { Input.Kind: LayerShapeKind.Image } flatten)
                {
                    WeightLayouts.DenseKernelAfterImageFlatten(Tensor(0), d.Units, flatten.Input.Height,
                        flatten.Input.Width, flatten.Input.Channels, kernel);
                }
                else
                {
                    WeightLayouts.Transpose(Tensor(0), d.Units, d.InputUnits, kernel);
                }

                Tensor(1).CopyTo(parameters.Slice(d.Offset + d.InputUnits * d.Units, d.Units));
                break;

            case EmbeddingLayer e:
                Tensor(0).CopyTo(parameters.Slice(e.Offset, e.ParameterCount));
                break;

            case LstmLayer l:
                // Both frameworks order the four gate blocks i, f, g (Keras: c), o, so a transpose keeps them.
                int gates = 4 * l.Units;
                WeightLayouts.Transpose(Tensor(0), gates, l.Features, parameters.Slice(l.Offset, l.KernelLength));
                WeightLayouts.Transpose(
                    Tensor(1), gates, l.Units, parameters.Slice(l.RecurrentOffset, l.Units * gates));
                WeightLayouts.AddBiases(Tensor(2), Tensor(3), parameters.Slice(l.BiasOffset, gates));
                break;
        }
    }

    private static List<Module> GroupByModule(IEnumerable<string> keys)
    {
        var modules = new List<Module>();
        var byPrefix = new Dictionary<string, Module>(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            int dot = key.LastIndexOf('.');
            string prefix = dot < 0 ? string.Empty : key[..dot];
            if (!byPrefix.TryGetValue(prefix, out Module? module))
            {
                module = new Module(prefix, []);
                byPrefix.Add(prefix, module);
                modules.Add(module);
            }

            module.Parameters.Add(key[(dot + 1)..]);
        }

        return modules;
    }

    private static int TensorCount(ArchitectureLayer layer) => layer switch
    {
        LstmLayer => 4,
        EmbeddingLayer => 1,
        _ => 2,
    };

    private static string ExpectedList(Assignment assignment)
    {
        string[] names = assignment.ParameterNames;
        int[][] shapes = assignment.Shapes;
        return string.Join(", ", names.Select((n, t) => $"{n} {TensorData.Format(shapes[t])}"));
    }

    private static string Layout(ArchitectureLayer layer, int tensor) => (layer, tensor) switch
    {
        (Conv2DLayer, 0) => "[out_channels, in_channels, kernel_height, kernel_width]",
        (DenseLayer, 0) => "[out_features, in_features]",
        (EmbeddingLayer, _) => "[num_embeddings, embedding_dim]",
        (LstmLayer, 0) => "[4 * hidden_size, input_size]",
        (LstmLayer, 1) => "[4 * hidden_size, hidden_size]",
        (LstmLayer, _) => "[4 * hidden_size]",
        _ => "[out_features]",
    };
}
