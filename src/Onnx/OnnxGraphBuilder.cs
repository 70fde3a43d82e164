using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace NetCompiler;

/// <summary>
/// Appends nodes, initializers, inputs and outputs to an ONNX <see cref="GraphProto"/>. Every value a node produces
/// is named after the node, and names are unique across the graph and all its subgraphs (ONNX forbids a subgraph
/// value from shadowing an outer one), so a name in a runtime error leads straight back to the layer.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> _names;

    public OnnxGraphBuilder(string name)
        : this(name, new HashSet<string>(StringComparer.Ordinal))
    {
    }

    private OnnxGraphBuilder(string name, HashSet<string> names)
    {
        _names = names;
        Graph = new GraphProto { Name = name };
    }

    public GraphProto Graph { get; }

    /// <summary>A builder for a subgraph (a Scan body) that shares this graph's names.</summary>
    public OnnxGraphBuilder Subgraph(string name) => new(name, _names);

    /// <summary>Declares a graph input; a dimension of -1 is the symbolic batch size.</summary>
    public string AddInput(string name, TensorProto.Types.DataType type, params long[] dimensions)
    {
        string unique = Reserve(name);
        Graph.Input.Add(ValueInfo(unique, type, dimensions));
        return unique;
    }

    /// <summary>Declares <paramref name="value"/> a graph output; a dimension of -1 is the batch size.</summary>
    public void AddOutput(string value, TensorProto.Types.DataType type, params long[] dimensions) =>
        Graph.Output.Add(ValueInfo(value, type, dimensions));

    /// <summary>A float constant of the given dimensions, stored little-endian as ONNX requires.</summary>
    public string AddInitializer(string name, ReadOnlySpan<float> values, params long[] dimensions)
    {
        var tensor = new TensorProto { Name = Reserve(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dimensions);
        if (BitConverter.IsLittleEndian)
        {
            tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        }
        else
        {
            // float_data is written by protobuf in its own (little-endian) wire format on any host.
            tensor.FloatData.AddRange(values.ToArray());
        }

        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A 1-D int64 constant: axes, shapes and the like.</summary>
    public string AddInt64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Reserve(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A scalar int32 constant.</summary>
    public string AddInt32Scalar(string name, int value)
    {
        var tensor = new TensorProto { Name = Reserve(name), DataType = (int)TensorProto.Types.DataType.Int32 };
        tensor.Int32Data.Add(value);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node with one output, named like the node; returns that output's name.</summary>
    public string AddNode(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        AddNode(opType, name, inputs, new[] { string.Empty }, attributes)[0];

    /// <summary>
    /// Adds a node with one output per entry of <paramref name="outputs"/>, named <c>node/entry</c> (an empty entry in
    /// a list of one names the output like the node). A null entry leaves that output out, as ONNX allows for
    /// optional outputs; its returned name is empty.
    /// </summary>
    public string[] AddNode(string opType, string name, IEnumerable<string> inputs, IReadOnlyList<string?> outputs,
        params AttributeProto[] attributes)
    {
        string node = Reserve(name);
        var proto = new NodeProto { OpType = opType, Name = node };
        proto.Input.AddRange(inputs);
        proto.Attribute.AddRange(attributes);
        string[] names = new string[outputs.Count];
        for (int k = 0; k < outputs.Count; k++)
        {
            names[k] = outputs[k] switch
            {
                null => string.Empty,
                "" when outputs.Count == 1 => node,
                string suffix => Reserve(node + "/" + suffix),
            };
        }

        proto.Output.AddRange(names);
        Graph.Node.Add(proto);
        return names;
    }

    /// <summary>Renames a value wherever it is produced or consumed (to give the final value its name).</summary>
    public void Rename(string value, string newName)
    {
        string unique = Reserve(newName);
        foreach (NodeProto node in Graph.Node)
        {
            for (int k = 0; k < node.Output.Count; k++)
            {
                if (node.Output[k] == value)
                {
                    node.Output[k] = unique;
                }
            }

            for (int k = 0; k < node.Input.Count; k++)
            {
                if (node.Input[k] == value)
                {
                    node.Input[k] = unique;
                }
            }
        }
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto IntsAttribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto TensorAttribute(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static AttributeProto GraphAttribute(string name, GraphProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = value };

    public static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, params long[] dimensions)
    {
        var shape = new TensorShapeProto();
        foreach (long dimension in dimensions)
        {
            shape.Dim.Add(dimension < 0
                ? new TensorShapeProto.Types.Dimension { DimParam = "batch" }
                : new TensorShapeProto.Types.Dimension { DimValue = dimension });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    // A taken name gets a numbered suffix rather than an error: names only label values, and they stay
    // deterministic because nodes are always added in the same order.
    private string Reserve(string name)
    {
        string unique = name;
        for (int k = 2; !_names.Add(unique); k++)
        {
            unique = name + "_" + k.ToString(CultureInfo.InvariantCulture);
        }

        return unique;
    }
}
