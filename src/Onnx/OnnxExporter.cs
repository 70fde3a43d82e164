using System;
using System.IO;
using System.Reflection;
using Google.Protobuf;
using Onnx;

namespace NetCompiler;

/// <summary>
/// Writes a network as an ONNX model (an inference graph with its weights) that ONNX Runtime and other ONNX tools
/// load. The model computes what the network's <c>Predict</c> computes, from the same sample layout: channels-last
/// images, float sequences (steps, features), vectors, or int32 token ids, with a dynamic batch axis.
/// </summary>
/// <remarks>
/// The format is described in docs/onnx-export.md: the graph's input and output, the operators each layer becomes,
/// and how Keras weight layouts are converted. A generated network's <c>Architecture</c> constant and
/// <c>Parameters</c> are exactly what it takes.
/// </remarks>
public static partial class OnnxExporter
{
    /// <summary>The ONNX operator set the graph uses (the default domain).</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version of the model: 8, released together with opset 17 in ONNX 1.12.</summary>
    public const int IrVersion = 8;

    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output.</summary>
    public const string OutputName = "output";

    // Protobuf cannot encode a message of 2 GiB or more; weights beyond this would need ONNX external data.
    private const long MaxWeightBytes = int.MaxValue - (64L << 20);

    /// <summary>
    /// Writes the ONNX model of the network described by <paramref name="architecture"/> (a generated class's
    /// <c>Architecture</c> constant) with the weights in <paramref name="parameters"/> (its <c>Parameters</c>).
    /// </summary>
    /// <param name="stream">Where the model is written, from its current position; it is not closed.</param>
    /// <param name="architecture">The architecture fingerprint, e.g. <c>Input(13)|Dense(6,Softmax)</c>.</param>
    /// <param name="parameters">Every parameter, in the network's Keras order and layout.</param>
    /// <param name="graphName">The name of the ONNX graph, usually the network's class name.</param>
    /// <exception cref="ArgumentException">
    /// The architecture is not one this exporter understands, or <paramref name="parameters"/> does not hold exactly
    /// its parameter count.
    /// </exception>
    /// <exception cref="NotSupportedException">The weights are too large for one protobuf message (2 GiB).</exception>
    public static void Export(Stream stream, string architecture, ReadOnlySpan<float> parameters, string graphName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        ModelProto model = CreateModel(architecture, parameters, graphName);
        model.WriteTo(stream);
        stream.Flush();
    }

    /// <summary>
    /// Writes the model to a file, atomically: it is written beside <paramref name="path"/> and renamed over it
    /// only when complete, so a failure leaves any previous file intact.
    /// </summary>
    /// <inheritdoc cref="Export(Stream, string, ReadOnlySpan{float}, string)"/>
    public static void Export(string path, string architecture, ReadOnlySpan<float> parameters, string graphName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(graphName);

        // Build first: an invalid architecture must not leave a temporary file behind.
        ModelProto model = CreateModel(architecture, parameters, graphName);
        using AtomicFileWriter file = AtomicFileWriter.Create(path);
        model.WriteTo(file.Stream);
        file.Commit();
    }

    private static ModelProto CreateModel(string architecture, ReadOnlySpan<float> parameters, string graphName)
    {
        NetworkArchitecture network;
        try
        {
            network = NetworkArchitecture.Parse(architecture);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"This network cannot be exported to ONNX. {NetworkArchitecture.MessageOnly(e)}", nameof(architecture), e);
        }

        if (parameters.Length != network.ParameterCount)
        {
            throw new ArgumentException(
                $"The architecture '{architecture}' has {network.ParameterCount} parameters, but {parameters.Length} " +
                "were given.", nameof(parameters));
        }

        if ((long)parameters.Length * sizeof(float) > MaxWeightBytes)
        {
            throw new NotSupportedException(
                $"{parameters.Length} parameters do not fit in one ONNX file: protobuf messages are limited to " +
                "2 GiB, and this exporter does not write ONNX external data.");
        }

        var builder = new OnnxGraphBuilder(graphName);
        var graph = new GraphTranslator(builder, network, parameters);
        graph.Translate();

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "NetCompiler",
            ProducerVersion = ProducerVersion(),
            DocString = $"Exported by NetCompiler from {architecture}",
            Graph = builder.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });

        // Tools that read metadata (and a later import) can tell exactly which architecture produced the file.
        model.MetadataProps.Add(new StringStringEntryProto { Key = "netcompiler.architecture", Value = architecture });
        return model;
    }

    private static string ProducerVersion() =>
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
